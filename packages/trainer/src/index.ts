// @modelshelf/trainer: Prometheus metrics → Kepler feature groups → evaluated power models → a modelshelf store.

export { loadFeatureCsv, parseFeatureCsv } from './data/csv.ts';
export { loadPromFile, parsePromResults } from './data/prom-file.ts';
export {
  fetchRange,
  PrometheusClient,
  type PrometheusOptions,
  PrometheusQueryError,
  PrometheusUnavailableError,
  type RangeRequest,
} from './data/prometheus.ts';
export { parseDuration, parseTime } from './data/time.ts';
export { type FeatureTable, type PromResults, type PromSeries, rowCount } from './data/types.ts';
export { splitRange, type TimeWindow } from './data/windows.ts';
export { bestPerGroup } from './evaluate/best.ts';
export { holdoutSplit } from './evaluate/holdout.ts';
export {
  encodeHoldout,
  HOLDOUT_FILE,
  type HoldoutRecord,
  holdoutRecord,
  parseHoldout,
} from './evaluate/holdout-record.ts';
export { meanAbsoluteError, meanAbsolutePercentageError, round2 } from './evaluate/metrics.ts';
export { ENERGY_SOURCES, energySource } from './extract/energy-sources.ts';
export { minIdleIsolate } from './extract/isolate.ts';
export { counterRates } from './extract/rates.ts';
export { selectRows, type TrainingSet } from './extract/select.ts';
export { type Extraction, extractTable } from './extract/table.ts';
export { type Activation, activatePipelines, MIN_ROWS, type SkippedPipeline } from './features/activation.ts';
export {
  FEATURE_GROUP_NAMES,
  FEATURE_GROUPS,
  type FeatureGroup,
  type FeatureGroupName,
  OUTPUT_TYPES,
  type OutputType,
  parseFeatureGroup,
} from './features/groups.ts';
export { canonicalFeatureName } from './features/names.ts';
export { pickTrainers, type TrainerCatalog } from './pipeline/catalog.ts';
export { trainingDataHash } from './pipeline/hash.ts';
export { keplerModelName, modelPath } from './pipeline/model-name.ts';
export type { TrainOptions } from './pipeline/options.ts';
export type { DataSource } from './pipeline/source.ts';
export { type TrainedModel, type TrainResult, train } from './pipeline/train.ts';
export { type PublishDecision, publishModels } from './publish/publish.ts';
export { DEFAULT_IMPROVEMENT, type WatchCycle, watchAndTrain } from './publish/watch.ts';
export { type ReportDocument, reportDocument } from './report/document.ts';
export { formatReport } from './report/table.ts';
export { allTrainers, TRAINER_NAMES, trainerByName } from './trainers/index.ts';
export type * from './trainers/types.ts';
