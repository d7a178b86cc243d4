// The decode stage is pluggable: any function from verified files to a model object.

import type { ArtifactFiles } from '@modelshelf/formats';
import type { Manifest } from '@modelshelf/registry';

export type { ArtifactFiles };

/** Turns a version's verified files into the object estimators call. Throw to refuse the version. */
export type Decoder<T> = (files: ArtifactFiles, manifest: Manifest) => Promise<T>;

/** What the raw decoder returns: every file's bytes by path. */
export type RawFiles = Map<string, Uint8Array>;

/** A decoder that does not interpret the files: for models the estimator reads itself. */
export const rawDecoder: Decoder<RawFiles> = async (files) => {
  const out: RawFiles = new Map();
  for (const path of files.paths()) out.set(path, await files.read(path));
  return out;
};
