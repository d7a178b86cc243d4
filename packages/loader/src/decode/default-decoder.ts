// The decoder used when the caller passes none: the format registry picks the best format the
// version offers (the manifest's declared formats when it has some, else detection), with Kepler's
// weight JSON registered too. The registry and its runtimes (tfjs, h5wasm) load lazily, on the first
// decode, so a watcher with its own decoder never pays for them.
import type { Manifest } from '@modelshelf/registry';
import type { ArtifactFiles, DecodedModel } from '../formats/types.ts';
import { trainerFromModelName } from '../kepler/trainer.ts';
import type { Decoder } from './decoder.ts';

export type DefaultDecoded = DecodedModel;

export const defaultDecoder: Decoder<DefaultDecoded> = async (files: ArtifactFiles, manifest: Manifest) => {
  // Kepler weights are the common case and the cheapest: decode them without loading tfjs and h5wasm.
  const declared = manifest.formats.find((f) => f.name === 'kepler-weights');
  if (declared) {
    const { createKeplerWeightsCodec } = await import('../kepler/codec.ts');
    const { subsetArtifactFiles } = await import('../formats/artifact-bytes.ts');
    try {
      return await createKeplerWeightsCodec(keplerOptionsOf(manifest)).decode(
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
  // The manifest may say which trainer produced the weights when the files do not (e.g. weights.json):
  // replace the registry's default kepler-weights codec by one bound to that trainer.
  const registry = defaultFormatRegistry().register(createKeplerWeightsCodec(keplerOptionsOf(manifest)));
  return registry.decodeBest(files, manifest.formats.length > 0 ? manifest.formats : undefined);
};

/** What the manifest knows that the weight file may not: the trainer and the training machine's cores. */
const keplerOptionsOf = (manifest: Manifest) => {
  const spec = manifest.metadata.machine_spec as { cores?: unknown } | undefined;
  const cores = typeof spec?.cores === 'number' && spec.cores > 0 ? spec.cores : undefined;
  return { trainer: trainerOf(manifest), modelCores: cores };
};

/** Kepler's metadata names the trainer directly or through model_name (`<Trainer>_<node type>`). */
const trainerOf = (manifest: Manifest) => {
  const { trainer, model_name: modelName } = manifest.metadata;
  if (typeof trainer === 'string') return trainer;
  return typeof modelName === 'string' ? trainerFromModelName(modelName) : undefined;
};
