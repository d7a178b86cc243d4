// Content-addressed file cache: `<dir>/blobs/sha256/<hex>`. A blob is written to a temp name, its
// digest checked, and only then renamed into place, so a blob that exists under its digest holds
// exactly those bytes unless the local disk itself corrupted it. Reuse re-hashes the blob anyway
// (hashing runs at ~1 GB/s, far cheaper than a download), so nothing unverified is ever decoded.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IntegrityError } from '@modelshelf/registry';

export class BlobCache {
  readonly blobDir: string;

  constructor(readonly dir: string) {
    this.blobDir = join(dir, 'blobs', 'sha256');
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256))
      throw new IntegrityError(`not a SHA-256 digest: ${JSON.stringify(sha256)}`);
    return join(this.blobDir, sha256);
  }

  /** True when the blob is present with the expected size and digest. Corrupt blobs are removed. */
  async hasVerified(sha256: string, size: number): Promise<boolean> {
    const path = this.pathOf(sha256);
    const s = await stat(path).catch(() => undefined);
    if (!s?.isFile()) return false;
    if (s.size === size && (await hashFile(path)) === sha256) return true;
    await unlink(path).catch(() => {});
    return false;
  }

  /**
   * Stores a stream under its digest. The source is expected to verify itself (the registry's
   * openFile fails the stream on a mismatch); the digest is checked again here before the rename.
   */
  async put(sha256: string, source: Readable): Promise<string> {
    const target = this.pathOf(sha256);
    await mkdir(this.blobDir, { recursive: true });
    const tmp = `${target}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    const hash = createHash('sha256');
    source.on('data', (chunk: Buffer) => hash.update(chunk));
    try {
      await pipeline(source, createWriteStream(tmp, { flags: 'wx' }));
      const got = hash.digest('hex');
      if (got !== sha256)
        throw new IntegrityError(`downloaded bytes have SHA-256 ${got}, expected ${sha256}`);
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    return target;
  }
}

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
