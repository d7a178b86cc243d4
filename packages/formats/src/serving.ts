// @modelshelf/formats/serving: what a model server needs before it has decoded anything — the format
// registry (every codec behind a lazy import), Kepler's power arithmetic and semantics, the metadata
// schema, and the shared types and errors. An estimator serving Kepler weights must not load the
// pickle reader, fflate, flatbuffers or the tree runtimes: the package index re-exports every codec
// statically, and the bundled binary cannot tree-shake across its chunks, so server code imports this.

export type { ArtifactBytes } from './artifact-bytes.ts';
export {
  DEFAULT_FORMAT_PREFERENCE,
  type DeclaredFormat,
  defaultFormatRegistry,
  FORMAT_NAMES,
  type FormatEntry,
  FormatRegistry,
  NoDecodableFormatError,
} from './format-registry.ts';
export { KEPLER_WEIGHTS_FORMAT, KeplerInputError } from './kepler/errors.ts';
export type {
  KeplerMeanVarianceRule,
  KeplerPredictOptions,
  KeplerRowInput,
  KeplerRowsOptions,
} from './kepler/power-model.ts';
export { KeplerPowerModel } from './kepler/power-model.ts';
export {
  defaultMeanVariance,
  KEPLER_SEMANTICS,
  type KeplerSemantics,
  keplerSemanticsOptions,
} from './kepler/semantics.ts';
export { type ModelMetadata, parseModelMetadata } from './metadata.ts';
export type { ArtifactFiles, CategorisedError, DecodeContext, DecodedModel, FormatCodec } from './types.ts';
export { FormatError } from './types.ts';
