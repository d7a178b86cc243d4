// Reading a Kepler model archive (a plain zip) with fflate, within limits: entry count, per-entry and
// total uncompressed size (as declared, then as inflated), and member names (relative, no traversal).

import { unzipSync } from 'fflate';
import { ArchiveError } from './convert/errors.ts';

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxArchiveBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 64,
  maxEntryBytes: 128 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxArchiveBytes: 256 * 1024 * 1024,
};

const hasControl = (s: string) => [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

/** A member name that is safe to use as a key: relative, POSIX, no `..`, no control characters. */
export function safeMemberName(name: string): boolean {
  if (name.length === 0 || name.length > 255) return false;
  if (name.startsWith('/') || name.includes('\\') || hasControl(name) || /^[a-zA-Z]:/.test(name))
    return false;
  return name.split('/').every((seg) => seg !== '..' && seg !== '.');
}

/** Unzips `bytes` into member name → bytes (directories skipped). Throws ArchiveError on any breach. */
export function readZip(
  path: string,
  bytes: Uint8Array,
  limits: Partial<ZipLimits> = {},
): Map<string, Uint8Array> {
  const L = { ...DEFAULT_ZIP_LIMITS, ...limits };
  if (bytes.length > L.maxArchiveBytes)
    throw new ArchiveError(path, `archive of ${bytes.length} bytes is too large`);
  let entries = 0;
  let declared = 0;
  let problem: string | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(f) {
        if (problem) return false;
        if (f.name.endsWith('/')) return false;
        entries++;
        declared += f.originalSize;
        if (entries > L.maxEntries) problem = `more than ${L.maxEntries} entries`;
        else if (!safeMemberName(f.name)) problem = `unsafe member name ${JSON.stringify(f.name)}`;
        else if (f.originalSize > L.maxEntryBytes) problem = `${f.name} inflates to ${f.originalSize} bytes`;
        else if (declared > L.maxTotalBytes) problem = `more than ${L.maxTotalBytes} bytes inflated`;
        else if (f.compression !== 0 && f.compression !== 8)
          problem = `${f.name} uses compression ${f.compression}`;
        return !problem;
      },
    });
  } catch (e) {
    throw new ArchiveError(path, `not a readable zip (${(e as Error).message})`);
  }
  if (problem) throw new ArchiveError(path, problem);
  const out = new Map<string, Uint8Array>();
  let total = 0;
  for (const [name, data] of Object.entries(files)) {
    total += data.length;
    if (data.length > L.maxEntryBytes || total > L.maxTotalBytes)
      throw new ArchiveError(path, `${name} inflates too far`);
    out.set(name, data);
  }
  return out;
}
