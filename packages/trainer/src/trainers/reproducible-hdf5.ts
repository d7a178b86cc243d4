// HDF5 files written by h5wasm carry the wall-clock time in every version-2 object header (access,
// modification, change and birth times; h5wasm exposes no track_times switch), so the same model would export
// to different bytes each second. This zeroes those times and re-seals each header's Jenkins lookup3 checksum,
// the way reproducible builds pin timestamps. A "OHDR" signature is only treated as a header when its stored
// checksum verifies, so the same four letters inside a name or a weight are never touched.

const SIGNATURE = [0x4f, 0x48, 0x44, 0x52]; // "OHDR"
const TIMES_STORED = 0x20;
const PHASE_CHANGE_STORED = 0x10;

/** A copy of `bytes` with every version-2 object header's timestamps set to 0 and its checksum recomputed. */
export function withoutHdf5Timestamps(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let at = indexOfSignature(out, 0); at >= 0; at = indexOfSignature(out, at + 1)) {
    const flags = out[at + 5]!;
    if (out[at + 4] !== 2 || !(flags & TIMES_STORED)) continue;
    let pos = at + 6;
    const times = pos;
    pos += 16;
    if (flags & PHASE_CHANGE_STORED) pos += 4;
    const sizeBytes = 1 << (flags & 3);
    if (pos + sizeBytes > out.length) continue;
    let chunk = 0;
    for (let i = sizeBytes - 1; i >= 0; i--) chunk = chunk * 256 + out[pos + i]!;
    const end = pos + sizeBytes + chunk;
    if (end + 4 > out.length) continue;
    if (lookup3(out.subarray(at, end)) !== view.getUint32(end, true)) continue;
    out.fill(0, times, times + 16);
    view.setUint32(end, lookup3(out.subarray(at, end)), true);
  }
  return out;
}

function indexOfSignature(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 4 <= bytes.length; i++) {
    if (
      bytes[i] === SIGNATURE[0] &&
      bytes[i + 1] === SIGNATURE[1] &&
      bytes[i + 2] === SIGNATURE[2] &&
      bytes[i + 3] === SIGNATURE[3]
    )
      return i;
  }
  return -1;
}

const rot = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/** Bob Jenkins' lookup3 hashlittle with initial value 0: HDF5's metadata checksum (H5_checksum_lookup3). */
export function lookup3(k: Uint8Array): number {
  let length = k.length;
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let o = 0;
  const word = (i: number) => k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24);
  while (length > 12) {
    a = (a + word(o)) | 0;
    b = (b + word(o + 4)) | 0;
    c = (c + word(o + 8)) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 4);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 6);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 8);
    b = (b + a) | 0;
    a = (a - c) | 0;
    a ^= rot(c, 16);
    c = (c + b) | 0;
    b = (b - a) | 0;
    b ^= rot(a, 19);
    a = (a + c) | 0;
    c = (c - b) | 0;
    c ^= rot(b, 4);
    b = (b + a) | 0;
    length -= 12;
    o += 12;
  }
  if (length === 0) return c >>> 0;
  // The last 1–12 bytes, little-endian into a, b, c (missing bytes count as zero).
  const tail = [0, 0, 0];
  for (let i = 0; i < length; i++) tail[i >> 2]! += k[o + i]! << (8 * (i & 3));
  a = (a + tail[0]!) | 0;
  b = (b + tail[1]!) | 0;
  c = (c + tail[2]!) | 0;
  c ^= b;
  c = (c - rot(b, 14)) | 0;
  a ^= c;
  a = (a - rot(c, 11)) | 0;
  b ^= a;
  b = (b - rot(a, 25)) | 0;
  c ^= b;
  c = (c - rot(b, 16)) | 0;
  a ^= c;
  a = (a - rot(c, 4)) | 0;
  b ^= a;
  b = (b - rot(a, 14)) | 0;
  c ^= b;
  c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
