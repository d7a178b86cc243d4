// Safe reader for kepler-model-db's pickled model archives: pickle VM (data only, allow-listed
// globals), joblib arrays, zip limits, conversion to typed models, and their evaluators.
export { type ArchiveOptions, convertMembers, readKeplerArchive } from './archive.ts';
export { ArchiveError } from './convert/errors.ts';
export type { ArchiveModel, ComponentModel, Estimator, SklearnTree, Transform, XgbTree } from './model.ts';
export { allowedGlobals, lookupGlobal } from './pickle/allow-list.ts';
export { PickleError, type PickleErrorCode } from './pickle/errors.ts';
export { DEFAULT_LIMITS, type LoadOptions, loadPickle, type PickleLimits } from './pickle/vm.ts';
export { type PredictOptions, predict, predictComponent } from './predict.ts';
export { DEFAULT_ZIP_LIMITS, readZip, safeMemberName, type ZipLimits } from './zip.ts';
