// The contract between storage and estimators: a format turns a version's files into a callable model.

/** Read access to the files of one model version (already verified against the manifest). */
export interface ArtifactFiles {
  /** Relative POSIX paths of every file in the version, e.g. ["model.json", "group1-shard1of1.bin"]. */
  paths(): readonly string[];
  read(path: string): Promise<Uint8Array>;
}

/** A ready-to-call model. Inputs and outputs are dense row-major Float64Arrays to avoid per-row allocation. */
export interface DecodedModel {
  /** Format name that produced it, e.g. "kepler-weights", "tfjs-layers", "keras-h5", "tflite". */
  readonly format: string;
  /** Input feature names in column order. */
  readonly features: readonly string[];
  /** Output names in column order: components ("package", "dram", …) or ["power"]. */
  readonly outputs: readonly string[];
  /** `input` holds rows × features.length values; returns rows × outputs.length values. */
  predict(input: Float64Array, rows: number): Float64Array;
  /** Frees native or GPU memory (tfjs tensors); safe to call twice. */
  dispose?(): void;
}

/** What a decoder knows about the model beside its files: the version's metadata (trainer, machine_spec, …). */
export interface DecodeContext {
  metadata?: Readonly<Record<string, unknown>>;
}

export interface FormatCodec<M extends DecodedModel = DecodedModel> {
  /** Stable name stored in manifests (`formats[].name`). */
  readonly name: string;
  /** True when the files look like this format (cheap: names and small headers only). */
  detect(files: ArtifactFiles): Promise<boolean>;
  decode(files: ArtifactFiles, context?: DecodeContext): Promise<M>;
}

/** Thrown when bytes claim to be a format but cannot be decoded; `format` and `path` name the culprit. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    readonly format: string,
    readonly path: string,
    message: string,
  ) {
    super(`${format}: ${path}: ${message}`);
  }
}
