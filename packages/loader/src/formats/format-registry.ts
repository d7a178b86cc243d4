import { keplerWeightsCodec } from '../kepler/codec.ts';
import { keplerZipCodec } from '../kepler/zip-codec.ts';
import { subsetArtifactFiles } from './artifact-bytes.ts';
import { kerasH5Codec } from './keras-h5.ts';
import { savedModelCodec } from './savedmodel.ts';
import { tfjsLayersCodec } from './tfjs-layers.ts';
import { tfliteCodec } from './tflite.ts';
import { type ArtifactFiles, type DecodedModel, type FormatCodec, FormatError } from './types.ts';

/**
 * Default decode preference, best first. The rule: fastest to decode with the fewest dependencies wins,
 * because every format of one version describes the same model.
 * - kepler-weights, modelshelf-json: plain JSON, no runtime, decode in microseconds.
 * - tflite: one flatbuffer read by our own bounds-checked reader; no wasm, no tfjs.
 * - tfjs-layers: needs tfjs (pure JS, already a loader dependency) to parse and validate the topology.
 * - keras-h5: needs the HDF5 library compiled to wasm (h5wasm), the heaviest to start.
 * - savedmodel: needs @tensorflow/tfjs-node (native TensorFlow), usually absent: last resort.
 */
export const DEFAULT_FORMAT_PREFERENCE: readonly string[] = [
  'kepler-weights',
  'modelshelf-json',
  'tflite',
  'tfjs-layers',
  'keras-h5',
  'savedmodel',
];

/** One format a manifest declares for a version: its codec name and the files that belong to it. */
export interface DeclaredFormat {
  name: string;
  files: readonly string[];
}

/** Every attempt failed (or none was possible); `failures` lists each format and why, in the order tried. */
export class NoDecodableFormatError extends Error {
  override readonly name = 'NoDecodableFormatError';
  constructor(readonly failures: readonly { format: string; error: Error }[]) {
    super(
      failures.length === 0
        ? 'no known format matched these files; register a codec or declare formats in the manifest'
        : `no format could be decoded:\n${failures.map((f) => `  - ${f.format}: ${f.error.message}`).join('\n')}`,
    );
  }
}

export class FormatRegistry {
  private readonly codecs = new Map<string, FormatCodec>();
  private preference: readonly string[];

  constructor(preference: readonly string[] = DEFAULT_FORMAT_PREFERENCE) {
    this.preference = preference;
  }

  /** Adds (or replaces, by name) a codec. Codecs not in the preference list are tried after those that are. */
  register(codec: FormatCodec): this {
    this.codecs.set(codec.name, codec);
    return this;
  }

  get(name: string): FormatCodec | undefined {
    return this.codecs.get(name);
  }

  names(): string[] {
    return [...this.codecs.keys()];
  }

  setPreference(preference: readonly string[]): this {
    this.preference = preference;
    return this;
  }

  /** Codec names in the order they would be tried under `preference`. */
  ordered(preference: readonly string[] = this.preference): string[] {
    const rank = (name: string) => {
      const i = preference.indexOf(name);
      return i === -1 ? preference.length : i;
    };
    return this.names().sort((a, b) => rank(a) - rank(b));
  }

  /**
   * Decodes the best format available. With `declared` (from the manifest), each declared format is
   * decoded from its own files only; without it, every registered codec whose `detect` accepts the files
   * is a candidate. Candidates are tried best-first; the first success wins; if all fail, the error lists
   * every failure so an operator sees why each format was rejected.
   */
  async decodeBest(
    files: ArtifactFiles,
    declared?: readonly DeclaredFormat[],
    preference: readonly string[] = this.preference,
  ): Promise<DecodedModel> {
    const failures: { format: string; error: Error }[] = [];
    const candidates: { name: string; files: ArtifactFiles }[] = [];
    if (declared) {
      for (const d of declared) {
        if (!this.codecs.has(d.name)) {
          failures.push({
            format: d.name,
            error: new Error(`no codec registered for "${d.name}" (known: ${this.names().join(', ')})`),
          });
        } else candidates.push({ name: d.name, files: subsetArtifactFiles(files, d.files) });
      }
      const order = this.ordered(preference);
      candidates.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    } else {
      for (const name of this.ordered(preference)) {
        const codec = this.codecs.get(name)!;
        if (await codec.detect(files).catch(() => false)) candidates.push({ name, files });
      }
    }
    for (const candidate of candidates) {
      try {
        return await this.codecs.get(candidate.name)!.decode(candidate.files);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        failures.push({ format: candidate.name, error });
      }
    }
    throw new NoDecodableFormatError(failures);
  }
}

/** A registry with every codec this package ships; extend it with `.register(codec)`. */
export function defaultFormatRegistry(preference?: readonly string[]): FormatRegistry {
  return new FormatRegistry(preference)
    .register(keplerWeightsCodec)
    .register(keplerZipCodec)
    .register(tfliteCodec)
    .register(tfjsLayersCodec)
    .register(kerasH5Codec)
    .register(savedModelCodec);
}

export { FormatError };
