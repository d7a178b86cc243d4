// The decoder used when the caller passes none: the format registry picks the best format the
// version offers (the manifest's declared formats when it has some, else detection), with Kepler's
// weight JSON registered too. The registry and its runtimes (tfjs, h5wasm) load lazily, on the first
// decode, so a watcher with its own decoder never pays for them.
import type { Manifest } from '@modelshelf/registry';
import type { ArtifactFiles, DecodedModel } from '../formats/types.ts';
import type { Decoder } from './decoder.ts';

export type DefaultDecoded = DecodedModel;

export const defaultDecoder: Decoder<DefaultDecoded> = async (files: ArtifactFiles, manifest: Manifest) => {
  // Kepler weights are the common case and the cheapest: decode them without loading tfjs and h5wasm.
  const declared = manifest.formats.find((f) => f.name === 'kepler-weights');
  if (declared) {
    const { createKeplerWeightsCodec } = await import('../kepler/codec.ts');
    const { subsetArtifactFiles } = await import('../formats/artifact-bytes.ts');
    try {
      return await createKeplerWeightsCodec({ trainer: trainerOf(manifest) }).decode(
        subsetArtifactFiles(files, declared.files),
      );
    } catch {
      // Fall through: another declared format may still decode, and the registry reports every failure.
    }
  }
  const [{ defaultFormatRegistry }, { createKeplerWeightsCodec }] = await Promise.all([
    import('../formats/format-registry.ts'),
    import('../kepler/codec.ts'),
  ]);
  const registry = defaultFormatRegistry();
  if (!registry.get('kepler-weights')) {
    // The manifest may say which trainer produced the weights when the files do not.
    registry.register(createKeplerWeightsCodec({ trainer: trainerOf(manifest) }));
  }
  return registry.decodeBest(files, manifest.formats.length > 0 ? manifest.formats : undefined);
};

const trainerOf = (manifest: Manifest) =>
  typeof manifest.metadata.trainer === 'string' ? manifest.metadata.trainer : undefined;
