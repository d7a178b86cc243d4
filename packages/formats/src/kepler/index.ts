// Kepler power models: weight JSON (read, validate, write), the Go-exact runtime and the ratio model.

export type { DecodeKeplerWeightsOptions, KeplerWeightsCodecOptions } from './codec.ts';
export {
  createKeplerWeightsCodec,
  decodeKeplerWeights,
  keplerWeightsCodec,
  optionsFromContext,
  resolveKeplerTrainer,
} from './codec.ts';
export { type KeplerCurveKind, keplerCurve } from './curves.ts';
export type { KeplerComponentSpec, KeplerFeatureSpec, KeplerWeightsSpec } from './encode.ts';
export { encodeKeplerWeights, keplerWeightsToSpec } from './encode.ts';
export { KEPLER_WEIGHTS_FORMAT, KeplerInputError, KeplerWeightsError } from './errors.ts';
export type { LinearComponentSpec, LinearModelSpec } from './export.ts';
export { linearModelToKeplerWeights, writeKeplerWeightsFile } from './export.ts';
export type { GoArch } from './go-uint64.ts';
export { fillNodeComponentsMilliwatts, goFloat64ToUint64 } from './go-uint64.ts';
export { sidecarFeatureGroup, sidecarMainFeatureIndex } from './main-feature.ts';
export {
  buildKeplerModelPath,
  type KeplerModelPath,
  keplerModelName,
  nodeTypeOfModelName,
  parseKeplerModelPath,
} from './model-path.ts';
export type {
  KeplerCurveInput,
  KeplerMeanVarianceRule,
  KeplerMilliwattOptions,
  KeplerPowerModelOptions,
  KeplerPredictOptions,
  KeplerRowInput,
  KeplerRowsOptions,
} from './power-model.ts';
export { KeplerPowerModel } from './power-model.ts';
export type { RatioNodePower, RatioShare, RatioSplitOptions, RatioWorkload } from './ratio-model.ts';
export {
  KEPLER_RATIO_FALLBACK_METRIC,
  KEPLER_RATIO_USAGE_METRICS,
  RatioModelError,
  ratioMetricFor,
  splitPowerByRatio,
} from './ratio-model.ts';
export type { KeplerSemantics } from './semantics.ts';
export { defaultMeanVariance, KEPLER_SEMANTICS, keplerSemanticsOptions } from './semantics.ts';
export type { KeplerPredictorKind } from './trainer.ts';
export { CURVE_FIT_WEIGHT_COUNT, predictorKindForTrainer, trainerFromModelName } from './trainer.ts';
export * from './vocabulary.ts';
export type { KeplerComponentWeights, KeplerNumericalFeature, KeplerWeights } from './weights-schema.ts';
export { KEPLER_COMPONENTS, parseKeplerWeights, parseKeplerWeightsJson } from './weights-schema.ts';
export {
  decodeKeplerArchive,
  KEPLER_ZIP_FORMAT,
  KEPLER_ZIP_NOTE,
  KeplerArchiveModel,
  keplerZipCodec,
} from './zip-codec.ts';
