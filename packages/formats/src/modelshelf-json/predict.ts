// Prediction for every modelshelf-json kind. Trainers predict through these same functions, so a model
// decoded from its file gives bit-identical outputs to the model the trainer just fitted.
import { activate } from '../dense/network.ts';
import { addForest, forestOf } from './forest.ts';
import { KdTree } from './kd-tree.ts';
import type {
  DenseComponent,
  FlatTree,
  GradientBoostingComponent,
  LinearComponent,
  ModelshelfModel,
  SvrComponent,
  XgboostComponent,
  XgboostTree,
} from './model.ts';
import { orderedComponents } from './model.ts';

/** x' = x / scale (0 where scale is 0) for `rows` rows; returns a new rows × features array. */
export function scaleInput(input: Float64Array, rows: number, scale: Float64Array): Float64Array {
  const d = scale.length;
  if (input.length < rows * d) {
    throw new RangeError(`input holds ${input.length} values, need rows × features = ${rows} × ${d}`);
  }
  const out = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < d; c++) {
      const s = scale[c]!;
      out[r * d + c] = s === 0 ? 0 : input[r * d + c]! / s;
    }
  }
  return out;
}

/** A prediction function over already-scaled rows: writes component `col` of each row into out (stride nOut). */
type ScaledPredictor = (xs: Float64Array, rows: number, out: Float64Array, col: number, nOut: number) => void;

export function predictLinear(m: LinearComponent, terms: number[][] | undefined, d: number): ScaledPredictor {
  return (xs, rows, out, col, nOut) => {
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let p = m.intercept;
      if (terms === undefined) {
        for (let c = 0; c < d; c++) p += m.coef[c]! * xs[o + c]!;
      } else {
        for (let t = 0; t < terms.length; t++) {
          const term = terms[t]!;
          let v = 1;
          for (let j = 0; j < term.length; j++) v *= xs[o + term[j]!]!;
          p += m.coef[t]! * v;
        }
      }
      out[r * nOut + col] = p;
    }
  };
}

/** The leaf value one tree gives a scaled row starting at xs[o]. */
export function treeValue(tree: FlatTree, xs: Float64Array, o: number): number {
  const { feature, threshold, left, right } = tree;
  let node = 0;
  for (let f = feature[0]!; f >= 0; f = feature[node]!) {
    node = xs[o + f]! <= threshold[node]! ? left[node]! : right[node]!;
  }
  return tree.value[node]!;
}

/** init + Σ learningRate · treeValue, each row's trees added in order (through a flat layout, see forest.ts). */
export function predictBoosting(m: GradientBoostingComponent, d: number): ScaledPredictor {
  const forest = forestOf(m.trees);
  return (xs, rows, out, col, nOut) => {
    const acc = new Float64Array(rows).fill(m.init);
    addForest(forest, m.learningRate, xs, rows, d, acc);
    for (let r = 0; r < rows; r++) out[r * nOut + col] = acc[r]!;
  };
}

/** XGBoost's traversal: float32 comparison, strictly less goes left, a missing value follows defaultLeft. */
export function xgboostTreeValue(tree: XgboostTree, xs: Float64Array, o: number): number {
  const { feature, threshold, left, right, defaultLeft } = tree;
  let node = 0;
  for (let f = feature[0]!; f >= 0; f = feature[node]!) {
    const v = xs[o + f]!;
    if (Number.isNaN(v)) node = defaultLeft[node] === 1 ? left[node]! : right[node]!;
    else node = Math.fround(v) < threshold[node]! ? left[node]! : right[node]!;
  }
  return tree.value[node]!;
}

export function predictXgboost(m: XgboostComponent, d: number): ScaledPredictor {
  return (xs, rows, out, col, nOut) => {
    for (let r = 0; r < rows; r++) {
      let p = m.baseScore;
      for (const tree of m.trees) p += xgboostTreeValue(tree, xs, r * d);
      out[r * nOut + col] = p;
    }
  };
}

/** K(u, v) for a support vector at sv[so..] and a row at xs[xo..]. */
function svrKernel(m: SvrComponent, sv: Float64Array, so: number, xs: Float64Array, xo: number, d: number) {
  if (m.kernel === 'rbf') {
    let s = 0;
    for (let c = 0; c < d; c++) {
      const diff = sv[so + c]! - xs[xo + c]!;
      s += diff * diff;
    }
    return Math.exp(-m.gamma * s);
  }
  let dot = 0;
  for (let c = 0; c < d; c++) dot += sv[so + c]! * xs[xo + c]!;
  if (m.kernel === 'linear') return dot;
  if (m.kernel === 'poly') return (m.gamma * dot + m.coef0) ** m.degree;
  return Math.tanh(m.gamma * dot + m.coef0);
}

export function predictSvr(m: SvrComponent, d: number): ScaledPredictor {
  const n = m.dualCoef.length;
  return (xs, rows, out, col, nOut) => {
    for (let r = 0; r < rows; r++) {
      let p = m.intercept;
      for (let i = 0; i < n; i++) p += m.dualCoef[i]! * svrKernel(m, m.supportVectors, i * d, xs, r * d, d);
      out[r * nOut + col] = p;
    }
  };
}

export function predictDense(m: DenseComponent, d: number): ScaledPredictor {
  const widest = Math.max(d, ...m.layers.map((l) => l.units));
  return (xs, rows, out, col, nOut) => {
    let cur = new Float64Array(widest);
    let next = new Float64Array(widest);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < d; c++) cur[c] = xs[r * d + c]!;
      let width = d;
      for (const layer of m.layers) {
        const { units, kernel, bias, activation } = layer;
        for (let u = 0; u < units; u++) next[u] = bias[u]!;
        for (let i = 0; i < width; i++) {
          const xi = cur[i]!;
          for (let u = 0; u < units; u++) next[u]! += xi * kernel[i * units + u]!;
        }
        for (let u = 0; u < units; u++) next[u] = activate(activation, next[u]!);
        [cur, next] = [next, cur];
        width = units;
      }
      out[r * nOut + col] = cur[0]!;
    }
  };
}

/** Mean target of the k nearest reference points, for every component at once (one neighbour search per row). */
export function predictKnn(
  tree: KdTree,
  k: number,
  targets: Float64Array[],
  xs: Float64Array,
  rows: number,
  out: Float64Array,
): void {
  const d = tree.dims;
  const idx = new Int32Array(k);
  const dist = new Float64Array(k);
  const nOut = targets.length;
  for (let r = 0; r < rows; r++) {
    tree.nearest(xs, r * d, k, idx, dist);
    for (let c = 0; c < nOut; c++) {
      const t = targets[c]!;
      let sum = 0;
      for (let j = 0; j < k; j++) sum += t[idx[j]!]!;
      out[r * nOut + c] = sum / k;
    }
  }
}

/** A callable over raw (unscaled) rows, outputs in `orderedComponents` order. */
export interface ModelshelfPredictor {
  outputs: string[];
  predict(input: Float64Array, rows: number): Float64Array;
}

export function compileModel(model: ModelshelfModel): ModelshelfPredictor {
  const d = model.features.length;
  const outputs = orderedComponents(Object.keys(model.components));
  const nOut = outputs.length;
  if (model.kind === 'knn') {
    const tree = new KdTree(model.points, d);
    const targets = outputs.map((c) => model.components[c]!.targets);
    return {
      outputs,
      predict(input, rows) {
        const out = new Float64Array(rows * nOut);
        predictKnn(tree, model.k, targets, scaleInput(input, rows, model.scale), rows, out);
        return out;
      },
    };
  }
  const predictors: ScaledPredictor[] = outputs.map((name): ScaledPredictor => {
    switch (model.kind) {
      case 'linear':
        return predictLinear(model.components[name]!, undefined, d);
      case 'polynomial':
        return predictLinear(model.components[name]!, model.terms, d);
      case 'gradient-boosting':
        return predictBoosting(model.components[name]!, d);
      case 'svr':
        return predictSvr(model.components[name]!, d);
      case 'xgboost':
        return predictXgboost(model.components[name]!, d);
      default:
        return predictDense(model.components[name]!, d);
    }
  });
  return {
    outputs,
    predict(input, rows) {
      const xs = scaleInput(input, rows, model.scale);
      const out = new Float64Array(rows * nOut);
      for (let c = 0; c < nOut; c++) predictors[c]!(xs, rows, out, c, nOut);
      return out;
    },
  };
}
