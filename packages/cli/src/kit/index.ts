// The CLI kit: what every modelshelf command module (registry, loader, trainer) shares, so that all
// commands read the same global options, print the same way and exit with the same codes.
export { colorEnabled, type Painter, painter, type Style } from './color.ts';
export { describeError, type ErrorReport, exitCodeForReport, formatErrorReport } from './errors.ts';
export { formatMetric, formatSize, relativeTime, shortDigest } from './format.ts';
export {
  type DetectableFile,
  detectFormats,
  detectLocalFormats,
  type FormatDetector,
  registerFormatDetector,
} from './format-detectors.ts';
export { exitCodeHelp, exitCodeRows } from './help.ts';
export {
  addGlobalOptions,
  type GlobalOptions,
  globalOptions,
  pollJitterOption,
  STORE_ENV,
} from './options.ts';
export { type Output, type OutputStreams, outputFor, printJson } from './output.ts';
export {
  collect,
  parseDuration,
  parseFraction,
  parseMetaPairs,
  parsePositiveInt,
  readMetadataFile,
} from './parse.ts';
export { PROGRESS_MIN_BYTES, type Progress, progressWanted, startProgress } from './progress.ts';
export { lazyAction, reportError, runAction } from './run.ts';
export { openStoreFromOptions, withStore } from './store.ts';
export { type Column, renderTable, visibleLength } from './table.ts';
