// ArtifactFiles views over fetched files: in memory, or blobs in the local cache.
import { readFile } from 'node:fs/promises';
import type { ArtifactFiles } from '@modelshelf/formats';
import { NotFoundError } from '@modelshelf/registry';

export function memoryFiles(files: ReadonlyMap<string, Uint8Array>): ArtifactFiles {
  const paths = [...files.keys()];
  return {
    paths: () => paths,
    async read(path) {
      const bytes = files.get(path);
      if (!bytes) throw new NotFoundError(path);
      return bytes;
    },
  };
}

/** `locations` maps each artifact path to a local file that was verified when it was fetched. */
export function localFiles(locations: ReadonlyMap<string, string>): ArtifactFiles {
  const paths = [...locations.keys()];
  return {
    paths: () => paths,
    async read(path) {
      const local = locations.get(path);
      if (!local) throw new NotFoundError(path);
      return new Uint8Array(await readFile(local));
    },
  };
}
