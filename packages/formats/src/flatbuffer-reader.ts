// A bounds-checked FlatBuffers table reader. flatbuffers' own ByteBuffer trusts its input (out-of-range
// reads yield garbage and a hostile vector length can spin for minutes), so untrusted model files are read
// through this instead: every offset and length is checked against the buffer, and the first bad one throws.

export class FlatBufferBoundsError extends Error {
  override readonly name = 'FlatBufferBoundsError';
}

export class FlatTable {
  constructor(
    readonly reader: FlatBufferReader,
    /** Absolute position of the table. */
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
  ) {}

  /** Absolute position of field `index`, or undefined when the field is absent (default value). */
  fieldPos(index: number): number | undefined {
    const slot = 4 + 2 * index;
    if (slot + 2 > this.vtableSize) return undefined;
    const rel = this.reader.u16(this.vtable + slot);
    return rel === 0 ? undefined : this.pos + rel;
  }

  u8(index: number, fallback = 0): number {
    const p = this.fieldPos(index);
    return p === undefined ? fallback : this.reader.u8(p);
  }
  i8(index: number, fallback = 0): number {
    const p = this.fieldPos(index);
    return p === undefined ? fallback : this.reader.i8(p);
  }
  i32(index: number, fallback = 0): number {
    const p = this.fieldPos(index);
    return p === undefined ? fallback : this.reader.i32(p);
  }
  u32(index: number, fallback = 0): number {
    const p = this.fieldPos(index);
    return p === undefined ? fallback : this.reader.u32(p);
  }
  u64(index: number): bigint {
    const p = this.fieldPos(index);
    return p === undefined ? 0n : this.reader.u64(p);
  }
  table(index: number): FlatTable | undefined {
    const p = this.fieldPos(index);
    return p === undefined ? undefined : this.reader.tableAt(this.reader.follow(p));
  }
  string(index: number): string | undefined {
    const p = this.fieldPos(index);
    if (p === undefined) return undefined;
    const bytes = this.reader.vectorBytes(this.reader.follow(p), 1);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  }
  /** Raw bytes of a [ubyte] vector (a view, not a copy). */
  bytes(index: number): Uint8Array | undefined {
    const p = this.fieldPos(index);
    return p === undefined ? undefined : this.reader.vectorBytes(this.reader.follow(p), 1);
  }
  int32s(index: number): number[] {
    const p = this.fieldPos(index);
    if (p === undefined) return [];
    const start = this.reader.follow(p);
    const n = this.reader.vectorLength(start, 4);
    return Array.from({ length: n }, (_, i) => this.reader.i32(start + 4 + 4 * i));
  }
  tables(index: number): FlatTable[] {
    const p = this.fieldPos(index);
    if (p === undefined) return [];
    const start = this.reader.follow(p);
    const n = this.reader.vectorLength(start, 4);
    return Array.from({ length: n }, (_, i) => this.reader.tableAt(this.reader.follow(start + 4 + 4 * i)));
  }
}

export class FlatBufferReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private check(pos: number, size: number): void {
    if (!Number.isInteger(pos) || pos < 0 || pos + size > this.bytes.length) {
      throw new FlatBufferBoundsError(
        `offset ${pos} (+${size} bytes) lies outside the ${this.bytes.length}-byte buffer`,
      );
    }
  }
  u8(pos: number): number {
    this.check(pos, 1);
    return this.view.getUint8(pos);
  }
  i8(pos: number): number {
    this.check(pos, 1);
    return this.view.getInt8(pos);
  }
  u16(pos: number): number {
    this.check(pos, 2);
    return this.view.getUint16(pos, true);
  }
  i32(pos: number): number {
    this.check(pos, 4);
    return this.view.getInt32(pos, true);
  }
  u32(pos: number): number {
    this.check(pos, 4);
    return this.view.getUint32(pos, true);
  }
  u64(pos: number): bigint {
    this.check(pos, 8);
    return this.view.getBigUint64(pos, true);
  }

  /** Follows the uoffset stored at `pos`. */
  follow(pos: number): number {
    return pos + this.u32(pos);
  }

  identifier(): string {
    this.check(4, 4);
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  root(): FlatTable {
    return this.tableAt(this.follow(0));
  }

  tableAt(pos: number): FlatTable {
    const vtable = pos - this.i32(pos);
    const vtableSize = this.u16(vtable);
    if (vtableSize < 4 || vtableSize % 2 !== 0)
      throw new FlatBufferBoundsError(`bad vtable size ${vtableSize}`);
    this.check(vtable, vtableSize);
    const tableSize = this.u16(vtable + 2);
    this.check(pos, Math.max(tableSize, 4));
    return new FlatTable(this, pos, vtable, vtableSize);
  }

  /** Element count of the vector at `start`, checked to fit in the buffer. */
  vectorLength(start: number, elementSize: number): number {
    const n = this.u32(start);
    this.check(start + 4, n * elementSize);
    return n;
  }

  vectorBytes(start: number, elementSize: number): Uint8Array {
    const n = this.vectorLength(start, elementSize);
    return this.bytes.subarray(start + 4, start + 4 + n * elementSize);
  }
}
