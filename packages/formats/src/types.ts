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

/**
 * How a formats error tells its caller what kind of failure it is, without this package depending on
 * the registry (whose `ModelshelfError` carries the same three fields). The `modelshelf` CLI reports
 * any Error with a known `category` and a string `code` as that category (exit code 7 for `format`),
 * printing `message` and then `hint`. `format` means: the stored bytes are intact, but no reader can
 * decode them.
 */
export interface CategorisedError {
  readonly category: 'format' | 'usage';
  /** Stable, machine-readable, e.g. "FORMAT_UNREADABLE" (the CLI's `--json` error `code`). */
  readonly code: string;
  readonly hint?: string;
}

/** Thrown when bytes claim to be a format but cannot be decoded; `format` and `path` name the culprit. */
export class FormatError extends Error implements CategorisedError {
  override readonly name = 'FormatError';
  readonly category = 'format';
  readonly code = 'FORMAT_UNREADABLE';
  readonly hint =
    'the files are intact but not readable as this format: check the format the trainer exported';
  constructor(
    readonly format: string,
    readonly path: string,
    message: string,
  ) {
    super(`${format}: ${path}: ${message}`);
  }
}
