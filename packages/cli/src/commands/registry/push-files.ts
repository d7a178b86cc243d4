// Turns the paths given to `modelshelf push` into the files of a version: a directory contributes
// every file below it (paths relative to the directory), a file contributes itself under its base
// name. Every resulting path is checked against the artifact-path rules before anything is uploaded.
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { InvalidArgumentError, PathEscapeError, parseArtifactPath } from '@modelshelf/registry';

export interface LocalFile {
  /** Path inside the version. */
  path: string;
  /** Where the bytes are on this machine. */
  sourcePath: string;
  size: number;
}

export async function collectLocalFiles(paths: readonly string[]): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  for (const given of paths) {
    const info = await stat(given).catch((err: NodeJS.ErrnoException) => {
      throw new InvalidArgumentError(
        `cannot read ${JSON.stringify(given)}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.code}`,
        'pass existing files or directories to publish',
      );
    });
    if (info.isDirectory()) await walk(given, given, new Set([await realpath(given)]), files);
    else files.push(checked(basename(given), given, info.size));
  }
  if (files.length === 0) {
    throw new InvalidArgumentError(
      `nothing to publish in ${paths.map((p) => JSON.stringify(p)).join(', ')}: no files found`,
      'a version needs at least one file',
    );
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(root: string, dir: string, seen: Set<string>, out: LocalFile[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    // Symlinks are followed (a model directory may link to shared weights), loops are not.
    const info = await stat(full);
    if (info.isDirectory()) {
      const real = await realpath(full);
      if (seen.has(real)) continue;
      await walk(root, full, new Set([...seen, real]), out);
    } else if (info.isFile()) {
      out.push(checked(relative(root, full).split(sep).join('/'), full, info.size));
    }
  }
}

function checked(path: string, sourcePath: string, size: number): LocalFile {
  try {
    parseArtifactPath(path);
  } catch (err) {
    if (!(err instanceof PathEscapeError)) throw err;
    throw new InvalidArgumentError(
      `cannot publish ${JSON.stringify(sourcePath)}: ${JSON.stringify(path)} is not an allowed path inside a version`,
      'path segments use letters, digits and . _ + = , @ - and may not start with "." (remove or rename dotfiles)',
    );
  }
  return { path, sourcePath, size };
}
