// The decoder used when the caller passes none: the one format registry of @modelshelf/formats picks
// the best format the version offers (the manifest's declared formats when it has some, else
// detection). The version's metadata goes along, so a codec learns what its files may not say (the
// trainer of a weight file, the training machine's cores). Codecs load lazily, on first use.
import { type ArtifactFiles, type DecodedModel, defaultFormatRegistry } from '@modelshelf/formats/serving';
import type { Manifest } from '@modelshelf/registry';
import type { Decoder } from './decoder.ts';

export type DefaultDecoded = DecodedModel;

let registry: ReturnType<typeof defaultFormatRegistry> | undefined;

export const defaultDecoder: Decoder<DefaultDecoded> = async (files: ArtifactFiles, manifest: Manifest) => {
  registry ??= defaultFormatRegistry();
  const declared = manifest.formats.length > 0 ? manifest.formats : undefined;
  return registry.decodeBest(files, declared, undefined, { metadata: manifest.metadata });
};
