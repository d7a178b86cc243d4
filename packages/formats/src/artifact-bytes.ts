import type { ArtifactFiles } from './types.ts';

/** Files produced by an encoder: relative POSIX path → bytes. Ready to publish as one format of a version. */
export type ArtifactBytes = Record<string, Uint8Array>;

/** An in-memory ArtifactFiles (tests, encoders feeding decoders, and files already fetched into memory). */
export function memoryArtifactFiles(files: ArtifactBytes): ArtifactFiles {
  const paths = Object.keys(files).sort();
  return {
    paths: () => paths,
    read: async (path) => {
      const bytes = files[path];
      if (!bytes) throw new Error(`no file "${path}" in this artifact (have: ${paths.join(', ')})`);
      return bytes;
    },
  };
}

/** A view restricted to `paths`: how one declared format of a multi-format version is decoded on its own. */
export function subsetArtifactFiles(files: ArtifactFiles, paths: readonly string[]): ArtifactFiles {
  const allowed = new Set(paths);
  const kept = files.paths().filter((p) => allowed.has(p));
  return {
    paths: () => kept,
    read: (path) => {
      if (!allowed.has(path)) return Promise.reject(new Error(`"${path}" is not one of this format's files`));
      return files.read(path);
    },
  };
}

/** The path whose last segment is `name` (shortest first, so "model.json" beats "extra/model.json"). */
export function findByBasename(files: ArtifactFiles, name: string): string | undefined {
  return files
    .paths()
    .filter((p) => p === name || p.endsWith(`/${name}`))
    .sort((a, b) => a.length - b.length)[0];
}

/** Joins a path relative to the directory of `base` (POSIX, no "..": artifacts never escape their version). */
export function siblingPath(base: string, relative: string): string {
  const dir = base.includes('/') ? base.slice(0, base.lastIndexOf('/') + 1) : '';
  return dir + relative.replace(/^\.\//, '');
}
