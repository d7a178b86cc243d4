// scikit-learn objects (as pickle data) → typed estimators and transforms. Each reads the fitted
// attributes scikit-learn's own predict reads, checks their shapes, and refuses anything else.

import type { Estimator, KdTree, SklearnTree, Transform } from '../model.ts';
import { NdArray } from '../pickle/numpy.ts';
import { PyObject, PyTuple, type PyValue } from '../pickle/values.ts';
import { ArchiveError, checkArray, Reader } from './errors.ts';

const CURVES: Record<string, 'exponential' | 'logarithmic' | 'logistic'> = {
  expo_func: 'exponential',
  log_func: 'logarithmic',
  logi_func: 'logistic',
};
const CURVE_PARAMS = { exponential: 3, logarithmic: 3, logistic: 4 } as const;

/**
 * A component's model object → the transforms a Pipeline applies before its final step (none for a
 * bare estimator) and the estimator; `nFeatures` is the width it receives.
 */
export function convertModel(
  path: string,
  v: PyValue,
  nFeatures: number,
): { transforms: Transform[]; estimator: Estimator } {
  if (!(v instanceof PyObject) || v.cls.qualname !== 'sklearn.pipeline.Pipeline') {
    return { transforms: [], estimator: convertEstimator(path, v, nFeatures) };
  }
  const r = new Reader(path, v);
  const steps = r.raw('steps');
  if (!Array.isArray(steps) || steps.length === 0) return r.fail('steps is not a list of (name, step)');
  const objs = steps.map((s) => {
    if (!(s instanceof PyTuple) || s.items.length !== 2) return r.fail('steps is not a list of (name, step)');
    return s.items[1]!;
  });
  const transforms: Transform[] = [];
  let width = nFeatures;
  for (const step of objs.slice(0, -1)) {
    if (step === null || step === 'passthrough') continue;
    const t = convertTransform(path, step, width);
    transforms.push(t);
    if (t.kind === 'polynomial') width = t.nOutput;
  }
  const last = objs[objs.length - 1]!;
  if (last === null || last === 'passthrough') return r.fail('has no final estimator');
  return { transforms, estimator: convertEstimator(path, last, width) };
}

/** Converts one estimator object; `nFeatures` is the width it receives after the transforms. */
export function convertEstimator(path: string, v: PyValue, nFeatures: number): Estimator {
  if (!(v instanceof PyObject)) throw new ArchiveError(path, 'the pickle holds no model object');
  const r = new Reader(path, v);
  switch (v.cls.name) {
    case 'LinearRegression':
    case 'SGDRegressor':
      return linear(r, nFeatures);
    case 'GradientBoostingRegressor':
      return gradientBoosting(r, nFeatures);
    case 'KNeighborsRegressor':
      return kNeighbors(r, nFeatures);
    case 'SVR':
      return svr(r, nFeatures);
    case 'CurveFitModel':
      return curveFit(r, nFeatures);
    default:
      return r.fail('is not a model this reader converts');
  }
}

/** Converts a feature-engineering object (Kepler's `fe_files`). */
export function convertTransform(path: string, v: PyValue, nFeatures: number): Transform {
  if (!(v instanceof PyObject)) throw new ArchiveError(path, 'the pickle holds no transformer object');
  const r = new Reader(path, v);
  switch (v.cls.name) {
    case 'MaxAbsScaler': {
      const scale = r.array('scale_', [nFeatures]);
      if (scale.data.some((s) => s === 0)) r.fail('scale_ holds a 0');
      return { kind: 'max-abs', scale: Float64Array.from(scale.data) };
    }
    case 'MinMaxScaler': {
      const scale = r.array('scale_', [nFeatures]);
      const min = r.array('min_', [nFeatures]);
      let clip: [number, number] | undefined;
      if (r.raw('clip') === true) {
        const range = r.raw('feature_range');
        const items = range instanceof PyTuple ? range.items : Array.isArray(range) ? range : [];
        const [lo, hi] = items;
        if (typeof lo !== 'number' || typeof hi !== 'number')
          return r.fail('feature_range is not two numbers');
        clip = [lo, hi];
      }
      return {
        kind: 'min-max',
        scale: Float64Array.from(scale.data),
        min: Float64Array.from(min.data),
        clip,
      };
    }
    case 'StandardScaler': {
      const withMean = r.bool('with_mean', true);
      const withStd = r.bool('with_std', true);
      const mean = withMean ? Float64Array.from(r.array('mean_', [nFeatures]).data) : undefined;
      const sv = r.raw('scale_');
      const scale =
        withStd && sv !== null ? Float64Array.from(r.array('scale_', [nFeatures]).data) : undefined;
      return { kind: 'standard', mean, scale };
    }
    case 'PolynomialFeatures': {
      const degree = r.raw('_max_degree') !== undefined ? r.int('_max_degree', 0, 8) : r.int('degree', 0, 8);
      const minDegree = r.raw('_min_degree') !== undefined ? r.int('_min_degree', 0, degree) : 0;
      const interactionOnly = r.bool('interaction_only');
      const includeBias = r.bool('include_bias');
      if (r.raw('order') !== undefined && r.str('order') !== 'C') r.fail("order other than 'C'");
      if (r.int('n_features_in_') !== nFeatures) r.fail(`n_features_in_ is not ${nFeatures}`);
      const nOutput = r.int('n_output_features_', 1, 100_000);
      const t: Transform = {
        kind: 'polynomial',
        degree,
        minDegree,
        interactionOnly,
        includeBias,
        nInput: nFeatures,
        nOutput,
      };
      if (polyOutputs(t) !== nOutput) r.fail(`n_output_features_ ${nOutput} does not match degree ${degree}`);
      return t;
    }
    default:
      return r.fail('is not a transformer this reader converts');
  }
}

/** Output width of PolynomialFeatures, counted the way scikit-learn builds the columns. */
export function polyOutputs(t: Extract<Transform, { kind: 'polynomial' }>): number {
  const n = t.nInput;
  let total = t.includeBias ? 1 : 0;
  // terms of exact degree d: combinations with (or without) replacement
  let withRep = 1;
  let withoutRep = 1;
  for (let d = 1; d <= t.degree; d++) {
    withRep = (withRep * (n + d - 1)) / d;
    withoutRep = (withoutRep * (n - d + 1)) / d;
    if (d >= Math.max(1, t.minDegree)) total += Math.round(t.interactionOnly ? withoutRep : withRep);
  }
  return total;
}

function linear(r: Reader, n: number): Estimator {
  if (r.raw('n_features_in_') !== undefined && r.int('n_features_in_') !== n)
    r.fail(`n_features_in_ is not ${n}`);
  const coefArr = r.raw('coef_');
  const coef = checkArray(r, 'coef_', coefArr);
  if (coef.size !== n || (coef.shape.length === 2 && coef.shape[0] !== 1) || coef.shape.length > 2) {
    r.fail(`coef_ has shape (${coef.shape.join(', ')}), expected (${n})`);
  }
  const ic = r.raw('intercept_');
  let intercept: number;
  if (typeof ic === 'number') intercept = ic;
  else if (ic instanceof NdArray && ic.data && ic.size === 1 && Number.isFinite(ic.data[0]))
    intercept = ic.data[0]!;
  else return r.fail('intercept_ is not one number');
  return { kind: 'linear', cls: r.obj.cls.name, coef: Float64Array.from(coef.data), intercept };
}

function gradientBoosting(r: Reader, n: number): Estimator {
  if (r.int('n_features_in_') !== n) r.fail(`n_features_in_ is not ${n}`);
  const loss = r.raw('loss');
  if (loss !== 'squared_error' && loss !== 'ls')
    r.fail(`loss ${String(loss)} (only squared_error is converted)`);
  const learningRate = r.num('learning_rate');
  const initV = r.raw('init_');
  let init: number;
  if (initV === 'zero') init = 0;
  else {
    if (!(initV instanceof PyObject) || initV.cls.qualname !== 'sklearn.dummy.DummyRegressor') {
      return r.fail('init_ is not a DummyRegressor');
    }
    const d = new Reader(r.path, initV);
    const strategy = d.raw('strategy');
    if (strategy !== 'mean' && strategy !== 'median' && strategy !== 'quantile' && strategy !== 'constant') {
      d.fail('unknown strategy');
    }
    const c = d.array('constant_');
    if (c.size !== 1) d.fail('constant_ is not one value');
    init = c.data[0]!;
  }
  const est = r.raw('estimators_');
  if (!(est instanceof NdArray) || !est.objects || est.shape.length !== 2 || est.shape[1] !== 1) {
    return r.fail('estimators_ is not an (n, 1) object array');
  }
  const nUsed = r.raw('n_estimators_') !== undefined ? r.int('n_estimators_') : est.shape[0]!;
  if (nUsed > est.shape[0]!) r.fail('n_estimators_ exceeds estimators_');
  const trees = est.objects.slice(0, nUsed).map((t, i) => decisionTree(r.path, t, n, i));
  return { kind: 'gradient-boosting', init, learningRate, trees };
}

function decisionTree(path: string, v: PyValue, n: number, i: number): SklearnTree {
  if (!(v instanceof PyObject) || v.cls.qualname !== 'sklearn.tree._tree.Tree') {
    if (v instanceof PyObject && v.cls.qualname === 'sklearn.tree._classes.DecisionTreeRegressor') {
      return decisionTree(path, v.attr('tree_') ?? null, n, i);
    }
    throw new ArchiveError(path, `estimators_[${i}] is not a DecisionTreeRegressor`);
  }
  const r = new Reader(path, v);
  const [nf, , nOut] = v.args;
  if (nf !== n || nOut !== 1) r.fail(`tree ${i}: built for ${String(nf)} features / ${String(nOut)} outputs`);
  const count = r.int('node_count', 1, 1 << 24);
  const nodes = r.raw('nodes');
  if (!(nodes instanceof NdArray) || !nodes.fields || nodes.shape.length !== 1 || nodes.shape[0] !== count) {
    return r.fail(`tree ${i}: nodes is not a record array of ${count}`);
  }
  const values = r.array('values');
  if (values.shape[0] !== count || values.size !== count) r.fail(`tree ${i}: values is not (${count}, 1, 1)`);
  const field = (name: string): Float64Array => {
    const f = nodes.fields!.get(name);
    if (!f) return r.fail(`tree ${i}: nodes lack ${name}`);
    return f;
  };
  const left = Int32Array.from(field('left_child'));
  const right = Int32Array.from(field('right_child'));
  const feature = Int32Array.from(field('feature'));
  const threshold = Float64Array.from(field('threshold'));
  const missing = nodes.fields.get('missing_go_to_left');
  for (let k = 0; k < count; k++) {
    const l = left[k]!;
    const rt = right[k]!;
    if (l === -1 && rt === -1) continue;
    // children come after their parent in sklearn's node order: this also rules out cycles
    if (l <= k || rt <= k || l >= count || rt >= count) r.fail(`tree ${i}: node ${k} has bad children`);
    if (feature[k]! < 0 || feature[k]! >= n) r.fail(`tree ${i}: node ${k} splits on feature ${feature[k]}`);
    if (Number.isNaN(threshold[k]!)) r.fail(`tree ${i}: node ${k} has a NaN threshold`);
  }
  return {
    left,
    right,
    feature,
    threshold,
    value: Float64Array.from(values.data),
    missingGoToLeft: missing ? Uint8Array.from(missing) : new Uint8Array(count),
  };
}

function kNeighbors(r: Reader, n: number): Estimator {
  if (r.int('n_features_in_') !== n) r.fail(`n_features_in_ is not ${n}`);
  const k = r.int('n_neighbors', 1, 1 << 20);
  const weights = r.raw('weights');
  if (weights !== 'uniform' && weights !== 'distance') return r.fail(`weights ${String(weights)}`);
  const metric = r.raw('effective_metric_') ?? r.raw('metric');
  let p: number;
  if (metric === 'euclidean' || metric === 'l2') p = 2;
  else if (metric === 'manhattan' || metric === 'l1' || metric === 'cityblock') p = 1;
  else if (metric === 'minkowski') {
    const params = r.raw('effective_metric_params_');
    const pv =
      params && typeof params === 'object' && 'get' in params
        ? (params as { get(k: string): PyValue }).get('p')
        : undefined;
    p = typeof pv === 'number' ? pv : r.num('p');
    if (!(p >= 1)) r.fail(`minkowski p = ${p}`);
  } else return r.fail(`metric ${String(metric)}`);
  const fitX = r.array('_fit_X', [-1, n]);
  const nSamples = fitX.shape[0]!;
  const y = numericOrObjectNumbers(r, '_y');
  if (y.size !== nSamples || y.shape.length !== 1) r.fail('_y is not one target per sample (multi-output?)');
  if (nSamples < k) r.fail(`fewer samples (${nSamples}) than n_neighbors (${k})`);
  const method = r.raw('_fit_method');
  let kdTree: KdTree | undefined;
  if (method === 'kd_tree') kdTree = kdTreeOf(r, nSamples, n, fitX.data);
  else if (method !== 'brute') r.fail(`_fit_method ${String(method)} (kd_tree and brute are converted)`);
  return {
    kdTree,
    kind: 'k-neighbors',
    k,
    weights,
    p,
    fitX: Float64Array.from(fitX.data),
    y: Float64Array.from(y.data),
    nSamples,
  };
}

/** A numeric array, or an object array holding only Python floats/ints (older Kepler trainers' `_y`). */
function numericOrObjectNumbers(r: Reader, key: string): NdArray & { data: Float64Array } {
  const v = r.raw(key);
  if (v instanceof NdArray && v.objects) {
    const data = new Float64Array(v.objects.length);
    v.objects.forEach((o, i) => {
      if (typeof o !== 'number' || !Number.isFinite(o)) r.fail(`${key} holds a non-number`);
      data[i] = o;
    });
    const out = new NdArray(v.shape.slice(), v.dtype);
    out.data = data;
    return out as NdArray & { data: Float64Array };
  }
  return r.array(key);
}

/** The KDTree's pickled state: (data, idx_array, node_data, node_bounds, leaf_size, …, dist_metric, sample_weight). */
function kdTreeOf(r: Reader, nSamples: number, n: number, fitX: Float64Array): KdTree {
  const t = r.raw('_tree');
  const st = t instanceof PyObject ? t.state : undefined;
  const items =
    st && typeof st === 'object' && 'items' in st && Array.isArray(st.items)
      ? (st.items as PyValue[])
      : undefined;
  if (!items || items.length < 4) return r.fail('_tree is not a pickled KDTree');
  const data = checkArray(r, '_tree.data', items[0], [nSamples, n]);
  if (data.data.some((v, i) => v !== fitX[i])) r.fail('_tree.data differs from _fit_X');
  const idxArr = checkArray(r, '_tree.idx_array', items[1], [nSamples]);
  const nodes = items[2];
  if (!(nodes instanceof NdArray) || !nodes.fields || nodes.shape.length !== 1)
    return r.fail('_tree.node_data');
  const nNodes = nodes.shape[0]!;
  const bounds = checkArray(r, '_tree.node_bounds', items[3], [2, nNodes, n]);
  const col = (name: string) => nodes.fields!.get(name) ?? r.fail(`_tree.node_data lacks ${name}`);
  const idx = Int32Array.from(idxArr.data);
  const start = Int32Array.from(col('idx_start'));
  const end = Int32Array.from(col('idx_end'));
  const isLeaf = Uint8Array.from(col('is_leaf'), (v) => (v ? 1 : 0));
  if (nNodes < 1) r.fail('_tree has no nodes');
  for (const v of idx) if (v < 0 || v >= nSamples) r.fail('_tree.idx_array out of range');
  for (let i = 0; i < nNodes; i++) {
    if (start[i]! < 0 || end[i]! > nSamples || start[i]! > end[i]!) r.fail(`_tree node ${i} range`);
    if (!isLeaf[i] && 2 * i + 2 >= nNodes) r.fail(`_tree node ${i} has no children`);
  }
  const plane = nNodes * n;
  return {
    idx,
    start,
    end,
    isLeaf,
    lower: Float64Array.from(bounds.data.subarray(0, plane)),
    upper: Float64Array.from(bounds.data.subarray(plane, 2 * plane)),
    nNodes,
  };
}

function svr(r: Reader, n: number): Estimator {
  if (r.int('n_features_in_') !== n) r.fail(`n_features_in_ is not ${n}`);
  if (r.raw('_sparse') === true) r.fail('sparse SVR');
  const kernel = r.raw('kernel');
  if (kernel !== 'rbf' && kernel !== 'linear' && kernel !== 'poly' && kernel !== 'sigmoid') {
    return r.fail(`kernel ${String(kernel)} (callable or precomputed kernels are not converted)`);
  }
  const gamma = r.num('_gamma');
  const sv = r.array('support_vectors_', [-1, n]);
  const nSupport = sv.shape[0]!;
  const dual = r.array('_dual_coef_', [1, nSupport]);
  const ic = r.array('_intercept_', [1]);
  return {
    kind: 'svr',
    kernel,
    gamma,
    coef0: r.num('coef0'),
    degree: r.int('degree', 0, 64),
    supportVectors: Float64Array.from(sv.data),
    nSupport,
    dualCoef: Float64Array.from(dual.data),
    intercept: ic.data[0]!,
  };
}

function curveFit(r: Reader, n: number): Estimator {
  const fn = r.raw('fit_func');
  const name = fn && typeof fn === 'object' && 'name' in fn ? String((fn as { name: unknown }).name) : '';
  const curve = CURVES[name];
  if (!curve) return r.fail(`fit_func ${name || '?'} is not a known Kepler curve`);
  const popt = r.array('popt', [CURVE_PARAMS[curve]]);
  const featureIndex = r.int('feature_index', 0, n - 1);
  return { kind: 'curve-fit', curve, params: Array.from(popt.data), featureIndex };
}
