// Downloads a version into a local directory, verifying every byte, without ever writing outside it.
// Files land under temporary names and are renamed into place only after their digest checks out.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, realpath, rename, unlink } from 'node:fs/promises';
import { join, relative, resolve as resolvePath } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PathEscapeError } from '../errors.ts';
import { parseArtifactPath } from '../names.ts';
import type { Manifest } from '../schema.ts';
import type { StoreContext } from './context.ts';
import { openFileVerified } from './read.ts';

export interface PullOptions {
  onProgress?: (p: { path: string; bytes: number; total: number }) => void;
}

/** Where `path` lands below `dir`, refusing paths (or symlinked parents) that would leave it. */
export async function safeTarget(dir: string, path: string): Promise<string> {
  parseArtifactPath(path, dir);
  const root = await realpath(dir);
  const segments = path.split('/');
  // Parents are created one level at a time, each checked to be a real directory: `mkdir -p` would
  // follow a symlink planted in the directory and create directories outside it before any check.
  let parent = root;
  for (const segment of segments.slice(0, -1)) {
    parent = join(parent, segment);
    await mkdir(parent).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
    if (!(await lstat(parent)).isDirectory()) throw new PathEscapeError(path, dir);
  }
  const target = join(parent, segments.at(-1)!);
  const rel = relative(root, target);
  if (rel.startsWith('..') || rel === '' || resolvePath(root, rel) !== target)
    throw new PathEscapeError(path, dir);
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw new PathEscapeError(path, dir);
  return target;
}

export async function pullVersion(
  ctx: StoreContext,
  manifest: Manifest,
  dir: string,
  options: PullOptions = {},
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  // Every path is checked before the first byte is written, so a hostile manifest writes nothing.
  for (const entry of manifest.files) parseArtifactPath(entry.path, dir);
  for (const entry of manifest.files) {
    if (entry.url) continue;
    const target = await safeTarget(dir, entry.path);
    const tmp = `${target}.partial-${randomBytes(6).toString('hex')}`;
    let bytes = 0;
    const source = await openFileVerified(ctx, manifest, entry.path);
    source.on('data', (c: Buffer) => {
      bytes += c.length;
      options.onProgress?.({ path: entry.path, bytes, total: entry.size });
    });
    try {
      await pipeline(source, createWriteStream(tmp, { flags: 'wx' }));
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
    written.push(entry.path);
  }
  return written;
}
