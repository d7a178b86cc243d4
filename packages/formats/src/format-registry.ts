// The one registry of model formats. Every consumer (the loader's default decoder, `predict`, the
// estimator, tests) decodes through it, so whatever a trainer or the importer writes, the default
// decoder reads. Adding a format is one entry in FORMATS. Codecs load lazily: tfjs and h5wasm take
// seconds to start, and a store of Kepler weights never needs them.
import { subsetArtifactFiles } from './artifact-bytes.ts';
import {
  type ArtifactFiles,
  type CategorisedError,
  type DecodeContext,
  type DecodedModel,
  type FormatCodec,
  FormatError,
} from './types.ts';

/** A format the project ships: its manifest name and how to load its codec. */
export interface FormatEntry {
  readonly name: string;
  load(): Promise<FormatCodec>;
}

/**
 * Every format, in the default decode preference (best first). The rule: fastest to decode with the
 * fewest dependencies wins, because every format of one version describes the same model.
 * - kepler-weights, modelshelf-json: plain JSON, no runtime, decode in microseconds.
 * - tflite: one flatbuffer read by our own bounds-checked reader; no wasm, no tfjs.
 * - tfjs-layers: needs tfjs (pure JS) to parse and validate the topology.
 * - keras-h5: needs the HDF5 library compiled to wasm (h5wasm), the heaviest to start.
 * - kepler-zip: Kepler's pickled archives.
 * - savedmodel: needs @tensorflow/tfjs-node (native TensorFlow), usually absent: last resort.
 */
export const FORMATS: readonly FormatEntry[] = [
  { name: 'kepler-weights', load: async () => (await import('./kepler/codec.ts')).keplerWeightsCodec },
  { name: 'modelshelf-json', load: async () => (await import('./modelshelf-json.ts')).modelshelfJsonCodec },
  { name: 'tflite', load: async () => (await import('./tflite.ts')).tfliteCodec },
  { name: 'tfjs-layers', load: async () => (await import('./tfjs-layers.ts')).tfjsLayersCodec },
  { name: 'keras-h5', load: async () => (await import('./keras-h5.ts')).kerasH5Codec },
  { name: 'kepler-zip', load: async () => (await import('./kepler/zip-codec.ts')).keplerZipCodec },
  { name: 'savedmodel', load: async () => (await import('./savedmodel.ts')).savedModelCodec },
];

/** The names of every format the default registry decodes, in preference order. */
export const FORMAT_NAMES: readonly string[] = FORMATS.map((f) => f.name);

export const DEFAULT_FORMAT_PREFERENCE: readonly string[] = FORMAT_NAMES;

/** One format a manifest declares for a version: its codec name and the files that belong to it. */
export interface DeclaredFormat {
  name: string;
  files: readonly string[];
}

/** Every attempt failed (or none was possible); `failures` lists each format and why, in the order tried. */
export class NoDecodableFormatError extends Error implements CategorisedError {
  override readonly name = 'NoDecodableFormatError';
  readonly category = 'format';
  readonly code = 'NO_DECODABLE_FORMAT';
  readonly hint =
    'the files are intact but no known format decodes them: declare the format at push time (--format) or check what the trainer exported';
  constructor(readonly failures: readonly { format: string; error: Error }[]) {
    super(
      failures.length === 0
        ? 'no known format matched these files; register a codec or declare formats in the manifest'
        : `no format could be decoded:\n${failures.map((f) => `  - ${f.format}: ${f.error.message}`).join('\n')}`,
    );
  }
}

export class FormatRegistry {
  private readonly codecs = new Map<string, () => Promise<FormatCodec>>();
  private preference: readonly string[];

  constructor(preference: readonly string[] = DEFAULT_FORMAT_PREFERENCE) {
    this.preference = preference;
  }

  /** Adds (or replaces, by name) a codec. Codecs not in the preference list are tried after those that are. */
  register(codec: FormatCodec): this {
    this.codecs.set(codec.name, async () => codec);
    return this;
  }

  /** Adds (or replaces) a format whose codec is loaded on first use. */
  registerLazy(entry: FormatEntry): this {
    let loading: Promise<FormatCodec> | undefined;
    this.codecs.set(entry.name, () => {
      loading ??= entry.load();
      return loading;
    });
    return this;
  }

  has(name: string): boolean {
    return this.codecs.has(name);
  }

  /** The codec of `name`, loading it if needed. */
  async get(name: string): Promise<FormatCodec | undefined> {
    return this.codecs.get(name)?.();
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
    context?: DecodeContext,
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
        const codec = await this.get(name);
        if (codec && (await codec.detect(files).catch(() => false))) candidates.push({ name, files });
      }
    }
    for (const candidate of candidates) {
      try {
        const codec = (await this.get(candidate.name))!;
        return await codec.decode(candidate.files, context);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        failures.push({ format: candidate.name, error });
      }
    }
    throw new NoDecodableFormatError(failures);
  }
}

/** A registry with every format of FORMATS (loaded lazily); extend it with `.register(codec)`. */
export function defaultFormatRegistry(preference?: readonly string[]): FormatRegistry {
  const registry = new FormatRegistry(preference);
  for (const entry of FORMATS) registry.registerLazy(entry);
  return registry;
}

export { FormatError };
