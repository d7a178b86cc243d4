// @modelshelf/loader: estimators get fresh models from a modelshelf store without restarting.
// Roles, after TensorFlow Serving: source (finds changes) → policy (which version) → fetch + verify
// → decode → swap (availability-preserving), plus the local cache and metrics.

export { BlobCache } from './cache/blob-cache.ts';
export { type LastGood, loadLastGood, saveLastGood } from './cache/last-good.ts';
export { localFiles, memoryFiles } from './decode/artifact-files.ts';
export { type ArtifactFiles, type Decoder, type RawFiles, rawDecoder } from './decode/decoder.ts';
export { type DefaultDecoded, defaultDecoder } from './decode/default-decoder.ts';
export {
  type BestModelRouting,
  type EstimatorHandle,
  type EstimatorOptions,
  type ExplicitRoute,
  type RouteState,
  startEstimator,
} from './estimator/estimator.ts';
export { MetricsListenError } from './estimator/metrics.ts';
export {
  normaliseEnergySource,
  OUTPUT_TYPES,
  type OutputType,
  type PowerRequest,
  type PowerResponse,
  ProtocolError,
  parsePowerRequest,
} from './estimator/protocol.ts';
export { SocketInUseError, SocketPathError } from './estimator/socket-server.ts';
export { type FetchResult, fetchVersion, filesFromCache } from './fetch/fetch-version.ts';
// Formats and Kepler's arithmetic belong to @modelshelf/formats; the loader re-exports nothing of it.
export * from './kepler/index.ts';
export { createLoaderMetrics, type LoaderMetrics } from './metrics/loader-metrics.ts';
export { mayFallBack, olderVersions } from './policy/availability.ts';
export {
  type BestModel,
  type BestModelQuery,
  type Candidate,
  rankModels,
  selectBestModel,
} from './policy/best-model.ts';
export {
  failedCondition,
  type MetadataCondition,
  MetadataFilterError,
  parseMetadataFilter,
} from './policy/metadata-filter.ts';
export { chooseTarget, shouldMove, type Target } from './policy/version-policy.ts';
export { type PredictRowsOptions, type PredictRowsResult, predictRows } from './predict/predict-rows.ts';
export { type HintSource, watchHeadFile } from './source/fs-events.ts';
export { detectMount, type MountInfo, type MountKind, mountKindOf } from './source/mount-kind.ts';
export {
  type MinioHintOptions,
  type MinioLikeClient,
  minioHeadListener,
  type NotificationStream,
  type PushHintOptions,
  startPushHint,
} from './source/push-hint.ts';
export type { Served } from './swap/served.ts';
export { type Lease, ServingSlot, type ServingSlotOptions } from './swap/serving-slot.ts';
export { backoffDelay } from './watch/backoff.ts';
export { classifyFailure, type FailureReason, LoadError } from './watch/errors.ts';
export type {
  RecoveredEvent,
  StaleEvent,
  TrustWarningEvent,
  UpdateEvent,
  WatcherEvents,
} from './watch/events.ts';
export type { Logger } from './watch/logger.ts';
export { type ChangeSources, ModelWatcher } from './watch/model-watcher.ts';
export type { StoreInput } from './watch/open-store.ts';
export type { PollMode, WatchOptions } from './watch/options.ts';
export { checkPollJitter, DEFAULT_POLL_JITTER, pollDelay } from './watch/poll-jitter.ts';
export { type LoadOptions, loadModel, watchModel } from './watch/watch-model.ts';
