// The only (module, name) pairs a Kepler archive's pickle may name. GLOBAL / STACK_GLOBAL / INST
// resolve against this table and nothing else; everything here becomes data (a record), except the
// few numpy/stdlib helpers the VM models itself (`special`). Nothing is ever imported or called.

export type GlobalKind =
  /** numpy.core.multiarray._reconstruct: an empty ndarray that BUILD fills. */
  | 'ndarray-reconstruct'
  /** numpy.core.numeric._frombuffer(bytes, dtype, shape, order) (numpy ≥ 1.16, protocol 5). */
  | 'ndarray-frombuffer'
  /** numpy.dtype(typestr, align, copy). */
  | 'dtype'
  /** numpy.core.multiarray.scalar(dtype, bytes). */
  | 'scalar'
  /** _codecs.encode(str, 'latin1'): how protocol 2 spells bytes. */
  | 'codecs-encode'
  /** copyreg._reconstructor(cls, object, None). */
  | 'copyreg-reconstructor'
  /** joblib's marker; in a joblib stream its BUILD is followed by the array's raw bytes. */
  | 'joblib-array'
  /** builtins.set / builtins.frozenset([items]): how protocols < 4 spell sets. */
  | 'set'
  /** builtins.bytes(): protocol 2's empty bytes. */
  | 'bytes'
  /** Anything else allowed: REDUCE / NEWOBJ build a record of it; referenced alone it is a name. */
  | 'record';

const numpyCore = (name: string) => [`numpy.core.multiarray.${name}`, `numpy._core.multiarray.${name}`];

const SPECIAL: Record<string, GlobalKind> = Object.fromEntries([
  ...numpyCore('_reconstruct').map((q) => [q, 'ndarray-reconstruct']),
  ...numpyCore('scalar').map((q) => [q, 'scalar']),
  ['numpy.core.numeric._frombuffer', 'ndarray-frombuffer'],
  ['numpy._core.numeric._frombuffer', 'ndarray-frombuffer'],
  ['numpy.dtype', 'dtype'],
  ['_codecs.encode', 'codecs-encode'],
  ['copyreg._reconstructor', 'copyreg-reconstructor'],
  ['builtins.bytes', 'bytes'],
  ['__builtin__.bytes', 'bytes'],
  ['builtins.set', 'set'],
  ['builtins.frozenset', 'set'],
  ['__builtin__.set', 'set'],
  ['__builtin__.frozenset', 'set'],
  ['joblib.numpy_pickle.NumpyArrayWrapper', 'joblib-array'],
  ['sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper', 'joblib-array'],
]);

const CURVE_TRAINERS = [
  'ExponentialRegressionTrainer',
  'LogarithmicRegressionTrainer',
  'LogisticRegressionTrainer',
];
const CURVE_FUNCS = ['expo_func', 'log_func', 'logi_func', 'p0_func'];

/** Classes and functions (as names only) found in kepler-model-db archives written by scikit-learn 1.x. */
export const RECORD_GLOBALS: readonly string[] = [
  'builtins.object',
  'numpy.ndarray',
  // estimators and transformers Kepler's trainers save
  'sklearn.linear_model._base.LinearRegression',
  'sklearn.linear_model._stochastic_gradient.SGDRegressor',
  'sklearn.preprocessing._data.MaxAbsScaler',
  'sklearn.preprocessing._data.MinMaxScaler',
  'sklearn.preprocessing._data.StandardScaler',
  'sklearn.preprocessing._polynomial.PolynomialFeatures',
  'sklearn.pipeline.Pipeline',
  'sklearn.svm._classes.SVR',
  'sklearn.neighbors._regression.KNeighborsRegressor',
  'sklearn.ensemble._gb.GradientBoostingRegressor',
  'sklearn.tree._classes.DecisionTreeRegressor',
  'sklearn.tree._tree.Tree',
  'sklearn.dummy.DummyRegressor',
  // what those carry along (loss objects, neighbour search trees, random states)
  'sklearn._loss.loss.HalfSquaredError',
  'sklearn._loss.link.IdentityLink',
  'sklearn._loss.link.Interval',
  '_loss.CyHalfSquaredError',
  '_loss.__pyx_unpickle_CyHalfSquaredError',
  'sklearn._loss._loss.CyHalfSquaredError',
  'sklearn._loss._loss.__pyx_unpickle_CyHalfSquaredError',
  'sklearn.ensemble._gb_losses.LeastSquaresError',
  'sklearn.neighbors._kd_tree.KDTree',
  'sklearn.neighbors._kd_tree.newObj',
  'sklearn.neighbors._ball_tree.BallTree',
  'sklearn.neighbors._ball_tree.newObj',
  'sklearn.metrics._dist_metrics.EuclideanDistance',
  'sklearn.metrics._dist_metrics.EuclideanDistance64',
  'sklearn.metrics._dist_metrics.MinkowskiDistance',
  'sklearn.metrics._dist_metrics.MinkowskiDistance64',
  'sklearn.metrics._dist_metrics.newObj',
  'numpy.random._pickle.__randomstate_ctor',
  'numpy.random._pickle.__bit_generator_ctor',
  'numpy.random._pickle.__generator_ctor',
  'numpy.random._mt19937.MT19937',
  'numpy.random.mtrand.RandomState',
  'numpy.random.bit_generator.__pyx_unpickle_SeedSequence',
  'numpy.random.bit_generator.SeedSequence',
  'numpy.random._bit_generator.__pyx_unpickle_SeedSequence',
  'numpy.random._bit_generator.SeedSequence',
  // Kepler's own curve-fit wrapper and the fit functions it names (by reference, never called)
  'trainer.curvefit.CurveFitModel',
  'train.trainer.curvefit.CurveFitModel',
  'kepler_model.train.trainer.curvefit.CurveFitModel',
  ...['train.trainer', 'kepler_model.train.trainer', 'trainer'].flatMap((pkg) =>
    CURVE_TRAINERS.flatMap((t) => CURVE_FUNCS.map((f) => `${pkg}.${t}.main.${f}`)),
  ),
  // XGBoost's scikit-learn wrapper, should an archive pickle one (converted only from booster JSON)
  'xgboost.sklearn.XGBRegressor',
  'xgboost.core.Booster',
];

const TABLE: ReadonlyMap<string, GlobalKind> = new Map<string, GlobalKind>([
  ...Object.entries(SPECIAL),
  ...RECORD_GLOBALS.map((q) => [q, 'record'] as [string, GlobalKind]),
]);

/** The kind of an allowed global, or undefined when `module.name` must be refused. */
export function lookupGlobal(module: string, name: string): GlobalKind | undefined {
  return TABLE.get(`${module}.${name}`);
}

/** Every allowed `module.name`, for documentation and tests. */
export function allowedGlobals(): string[] {
  return [...TABLE.keys()].sort();
}
