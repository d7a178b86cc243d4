// Prediction for every modelshelf-json kind. Trainers predict through these same functions, so a model
// decoded from its file gives bit-identical outputs to the model the trainer just fitted.
import { activate } from '../dense/network.ts';
import { addForest, float32Rows, forestOf } from '../runtime/forest.ts';
import { type SvrArithmetic, predictSvr as svrDecisions } from '../runtime/svr.ts';
import { KdTree } from './kd-tree.ts';
import type {
  DenseComponent,
  GradientBoostingComponent,
  LinearComponent,
  ModelshelfModel,
  SvrComponent,
  XgboostComponent,
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

/** init + Σ learningRate · tree(x'), each row's trees added in order (the shared forest runtime, sklearn's rule). */
export function predictBoosting(m: GradientBoostingComponent, d: number): ScaledPredictor {
  const forest = forestOf(m.trees, 'left-if-less-or-equal');
  return (xs, rows, out, col, nOut) => {
    const acc = new Float64Array(rows).fill(m.init);
    addForest(forest, xs, rows, d, acc, m.learningRate);
    for (let r = 0; r < rows; r++) out[r * nOut + col] = acc[r]!;
  };
}

/**
 * baseScore + Σ tree(x'), summed in float64, with XGBoost's traversal: float32 features, strictly less goes
 * left, a missing value follows defaultLeft.
 */
export function predictXgboost(m: XgboostComponent, d: number): ScaledPredictor {
  const forest = forestOf(
    m.trees.map((t) => ({ ...t, missingLeft: t.defaultLeft })),
    'left-if-less',
  );
  return (xs, rows, out, col, nOut) => {
    const acc = new Float64Array(rows).fill(m.baseScore);
    addForest(forest, float32Rows(xs), rows, d, acc, 1);
    for (let r = 0; r < rows; r++) out[r * nOut + col] = acc[r]!;
  };
}

/**
 * What modelshelf's svr kind has always computed: the kernel terms added onto the intercept, poly by `**`
 * (Kepler's archives use libsvm's order and powi; moving this to match would change outputs in the last bits).
 */
const MODELSHELF_SVR: SvrArithmetic = { libsvmPowi: false, interceptLast: false };

export function predictSvr(m: SvrComponent, d: number): ScaledPredictor {
  return (xs, rows, out, col, nOut) => svrDecisions(m, MODELSHELF_SVR, xs, rows, d, out, col, nOut);
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
