// @modelshelf/formats: what a model version's files mean. Codecs (encode, detect, decode), the
// runtimes that evaluate decoded models, Kepler's power arithmetic and ratio model, and the one
// registry of formats every reader decodes through. Knows nothing of storage: the registry hands
// it files, the loader hands it verified bytes.
//
// Heavy runtimes stay behind their own entry points and the registry's lazy loading:
// `@modelshelf/formats/tfjs-layers` (TensorFlow.js) and `@modelshelf/formats/keras-h5` (h5wasm).

export {
  type ArtifactBytes,
  findByBasename,
  memoryArtifactFiles,
  subsetArtifactFiles,
} from './artifact-bytes.ts';
export { type DecodedDenseModel, decodedDenseModel } from './dense/decoded.ts';
export {
  DENSE_ACTIVATIONS,
  type DenseActivation,
  type DenseLayer,
  type DenseNetwork,
  DenseNetworkError,
  forwardDense,
  linearNetwork,
  validateDenseNetwork,
} from './dense/network.ts';
export {
  DEFAULT_FORMAT_PREFERENCE,
  type DeclaredFormat,
  defaultFormatRegistry,
  FORMAT_NAMES,
  FORMATS,
  type FormatEntry,
  FormatRegistry,
  NoDecodableFormatError,
} from './format-registry.ts';
export * from './kepler/index.ts';
export {
  ArchiveError,
  type ArchiveModel,
  allowedGlobals,
  type ComponentModel,
  convertMembers,
  type Estimator,
  loadPickle,
  PickleError,
  type PickleErrorCode,
  predict as predictKeplerArchive,
  predictComponent as predictKeplerArchiveComponent,
  readKeplerArchive,
  type Transform,
} from './kepler-archive/index.ts';
export {
  lenientModelMetadata,
  type MachineSpec,
  type ModelMetadata,
  ModelMetadataError,
  machineSpecSchema,
  modelMetadataSchema,
  parseModelMetadata,
} from './metadata.ts';
export * from './modelshelf-json.ts';
export { createSavedModelCodec, SAVEDMODEL_FORMAT, savedModelCodec } from './savedmodel.ts';
export { decodeTfliteNetwork, TFLITE_FILE, TFLITE_FORMAT, tfliteCodec } from './tflite.ts';
export type { ArtifactFiles, DecodeContext, DecodedModel, FormatCodec } from './types.ts';
export { type CategorisedError, FormatError } from './types.ts';
export {
  type DecodedXgboostModel,
  encodeXgboostBooster,
  encodeXgboostJsonFiles,
  parseXgboostBooster,
  XGBOOST_JSON_DIR,
  XGBOOST_JSON_FORMAT,
  XGBOOST_JSON_INDEX,
  xgboostJsonCodec,
} from './xgboost-json.ts';
