// Pure evaluators for ArchiveModel: the arithmetic of scikit-learn 1.5 / XGBoost 2.1 / Kepler's
// curve fits, in float64 except where those libraries round (sklearn trees read float32 features,
// XGBoost works in float32 throughout).

import { addForest, addForestFloat32, type Forest, float32Rows, forestOf } from '../runtime/forest.ts';
import { LIBSVM_ARITHMETIC, predictSvr } from '../runtime/svr.ts';
import type {
  ArchiveModel,
  ComponentModel,
  Estimator,
  KdTree,
  SklearnTree,
  Transform,
  XgbTree,
} from './model.ts';

export interface PredictOptions {
  /** Kepler's estimator sets negative watts to 0 (`y[y < 0] = 0`); default true. */
  clampNegative?: boolean;
}

/**
 * rows: row-major, rows × features.length values in `model.features` order.
 * Returns row-major rows × components.length watts, components in `model.components` order.
 */
export function predict(
  model: ArchiveModel,
  input: Float64Array,
  rows: number,
  options: PredictOptions = {},
) {
  const nc = model.components.length;
  const out = new Float64Array(rows * nc);
  model.components.forEach((c, j) => {
    const y = predictComponent(c, input, rows, options);
    for (let r = 0; r < rows; r++) out[r * nc + j] = y[r]!;
  });
  return out;
}

export function predictComponent(
  c: ComponentModel,
  input: Float64Array,
  rows: number,
  options: PredictOptions = {},
): Float64Array {
  if (input.length !== rows * c.nFeatures) {
    throw new RangeError(`expected ${rows} × ${c.nFeatures} inputs, got ${input.length}`);
  }
  let x = input;
  let width = c.nFeatures;
  for (const t of c.transforms) {
    [x, width] = applyTransform(t, x, rows, width);
  }
  const y = evaluate(c.estimator, x, rows, width);
  if (options.clampNegative ?? true) for (let i = 0; i < rows; i++) if (y[i]! < 0) y[i] = 0;
  return y;
}

function applyTransform(t: Transform, x: Float64Array, rows: number, width: number): [Float64Array, number] {
  if (t.kind === 'max-abs') {
    const out = new Float64Array(x.length);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < width; j++) out[r * width + j] = x[r * width + j]! / t.scale[j]!;
    return [out, width];
  }
  if (t.kind === 'min-max') {
    const out = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < width; j++) {
        let v = x[r * width + j]! * t.scale[j]!;
        v += t.min[j]!;
        if (t.clip) v = Math.min(Math.max(v, t.clip[0]), t.clip[1]);
        out[r * width + j] = v;
      }
    }
    return [out, width];
  }
  if (t.kind === 'standard') {
    const out = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < width; j++) {
        let v = x[r * width + j]!;
        if (t.mean) v -= t.mean[j]!;
        if (t.scale) v /= t.scale[j]!;
        out[r * width + j] = v;
      }
    }
    return [out, width];
  }
  // PolynomialFeatures, following scikit-learn's column construction (degree-d terms are degree-(d-1)
  // terms times one input column, in the same order, so every product rounds as it does there).
  const n = width;
  const full = new Float64Array(polyFullWidth(t, n));
  const out = new Float64Array(rows * t.nOutput);
  for (let r = 0; r < rows; r++) {
    const xr = x.subarray(r * n, r * n + n);
    let col = 0;
    if (t.includeBias || t.minDegree === 0) full[col++] = 1;
    let index: number[] = [];
    if (t.degree >= 1) {
      for (let j = 0; j < n; j++) {
        index.push(col);
        full[col++] = xr[j]!;
      }
      index.push(col);
    }
    for (let d = 2; d <= t.degree; d++) {
      const next: number[] = [];
      const end = index[index.length - 1]!;
      for (let f = 0; f < n; f++) {
        let start = index[f]!;
        next.push(col);
        if (t.interactionOnly) start += index[f + 1]! - index[f]!;
        if (end - start <= 0) break;
        for (let k = start; k < end; k++) full[col++] = full[k]! * xr[f]!;
      }
      next.push(col);
      index = next;
    }
    // min_degree > 1 drops the columns of degree 1..min_degree-1 (keeping the bias if asked)
    const o = out.subarray(r * t.nOutput, (r + 1) * t.nOutput);
    if (t.nOutput === col) o.set(full.subarray(0, col));
    else {
      const skip = col - t.nOutput;
      const biasCols = t.includeBias ? 1 : 0;
      o.set(full.subarray(0, biasCols));
      o.set(full.subarray(biasCols + skip, col), biasCols);
    }
  }
  return [out, t.nOutput];
}

function polyFullWidth(t: Extract<Transform, { kind: 'polynomial' }>, n: number): number {
  // upper bound: Σ_{d ≤ degree} C(n + d - 1, d)
  let total = 1;
  let term = 1;
  for (let d = 1; d <= t.degree; d++) {
    term = (term * (n + d - 1)) / d;
    total += term;
  }
  return Math.ceil(total);
}

function evaluate(e: Estimator, x: Float64Array, rows: number, width: number): Float64Array {
  const y = new Float64Array(rows);
  switch (e.kind) {
    case 'linear':
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let j = 0; j < width; j++) s += x[r * width + j]! * e.coef[j]!;
        y[r] = s + e.intercept;
      }
      return y;
    case 'gradient-boosting': {
      y.fill(e.init);
      // sklearn validates X as float32 for tree prediction, and compares it to float64 thresholds
      addForest(sklearnForest(e.trees), float32Rows(x), rows, width, y, e.learningRate);
      return y;
    }
    case 'k-neighbors':
      return kNeighbors(e, x, rows, width);
    case 'svr':
      predictSvr(e, LIBSVM_ARITHMETIC, x, rows, width, y, 0, 1);
      return y;
    case 'xgboost': {
      // XGBoost reads features as float32 and sums leaves in float32
      const acc = new Float32Array(rows).fill(e.baseScore);
      addForestFloat32(xgboostForest(e.trees), float32Rows(x), rows, width, acc);
      for (let r = 0; r < rows; r++) y[r] = acc[r]!;
      return y;
    }
    case 'curve-fit': {
      const [a = 0, b = 0, c = 0, d = 0] = e.params;
      for (let r = 0; r < rows; r++) {
        const v = x[r * width + e.featureIndex]!;
        if (e.curve === 'exponential') y[r] = a * Math.exp(b * v) + c;
        else if (e.curve === 'logarithmic') y[r] = a * Math.log(b * v + 1) + c;
        else y[r] = a / (1 + Math.exp(-c * (v - b))) + d; // A, x0, k, off
      }
      return y;
    }
  }
}

// Each estimator's trees become the shared runtime's Forest once, at its first prediction.
const forests = new WeakMap<object, Forest>();

function sklearnForest(trees: readonly SklearnTree[]): Forest {
  let f = forests.get(trees);
  if (!f) {
    f = forestOf(
      trees.map((t) => ({ ...t, missingLeft: t.missingGoToLeft })),
      'left-if-less-or-equal',
    );
    forests.set(trees, f);
  }
  return f;
}

function xgboostForest(trees: readonly XgbTree[]): Forest {
  let f = forests.get(trees);
  if (!f) {
    f = forestOf(
      trees.map((t) => ({ ...t, threshold: t.condition, value: t.condition, missingLeft: t.defaultLeft })),
      'left-if-less',
    );
    forests.set(trees, f);
  }
  return f;
}

function kNeighbors(
  e: Extract<Estimator, { kind: 'k-neighbors' }>,
  x: Float64Array,
  rows: number,
  width: number,
) {
  const y = new Float64Array(rows);
  const k = e.k;
  const p = e.p;
  const heapD = new Float64Array(k);
  const heapI = new Int32Array(k);
  const t = e.kdTree;
  // explicit DFS stack (node, lower bound): the same visiting order as sklearn's recursion
  const stackN = new Int32Array(t ? 2 * Math.ceil(Math.log2(t.nNodes + 1)) + 4 : 0);
  const stackB = new Float64Array(stackN.length);
  const chosen = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    const base = r * width;
    heapD.fill(Number.POSITIVE_INFINITY);
    heapI.fill(0);
    if (t) {
      let sp = 0;
      stackN[0] = 0;
      stackB[0] = minRdist(t, 0, x, base, width, p);
      sp = 1;
      while (sp > 0) {
        sp--;
        const node = stackN[sp]!;
        if (stackB[sp]! > heapD[0]!) continue; // pruned: cannot beat the k-th best
        if (t.isLeaf[node]) {
          for (let i = t.start[node]!; i < t.end[node]!; i++) {
            const id = t.idx[i]!;
            heapPush(heapD, heapI, rdist(e.fitX, id * width, x, base, width, p), id);
          }
          continue;
        }
        const c1 = 2 * node + 1;
        const c2 = c1 + 1;
        const lb1 = minRdist(t, c1, x, base, width, p);
        const lb2 = minRdist(t, c2, x, base, width, p);
        // pushed so that the closer child (ties: the left one) is visited first
        if (lb1 <= lb2) {
          stackN[sp] = c2;
          stackB[sp++] = lb2;
          stackN[sp] = c1;
          stackB[sp++] = lb1;
        } else {
          stackN[sp] = c1;
          stackB[sp++] = lb1;
          stackN[sp] = c2;
          stackB[sp++] = lb2;
        }
      }
    } else {
      for (let i = 0; i < e.nSamples; i++)
        heapPush(heapD, heapI, rdist(e.fitX, i * width, x, base, width, p), i);
    }
    simultaneousSort(heapD, heapI, 0, k);
    if (e.weights === 'uniform') {
      for (let n = 0; n < k; n++) chosen[n] = e.y[heapI[n]!]!;
      y[r] = numpySum(chosen) / k;
    } else {
      const w = new Float64Array(k);
      let inf = false;
      for (let n = 0; n < k; n++) {
        const v = heapD[n]!;
        const d = p === 2 ? Math.sqrt(v) : p === 1 ? v : v ** (1 / p);
        w[n] = 1 / d;
        if (w[n] === Number.POSITIVE_INFINITY) inf = true;
      }
      if (inf) for (let n = 0; n < k; n++) w[n] = w[n] === Number.POSITIVE_INFINITY ? 1 : 0;
      for (let n = 0; n < k; n++) chosen[n] = e.y[heapI[n]!]! * w[n]!;
      y[r] = numpySum(chosen) / numpySum(w);
    }
  }
  return y;
}

/** Reduced Minkowski distance (Σ|d|^p; squared euclidean for p = 2), summed in feature order. */
function rdist(
  fit: Float64Array,
  o: number,
  x: Float64Array,
  base: number,
  width: number,
  p: number,
): number {
  let s = 0;
  if (p === 2) {
    for (let j = 0; j < width; j++) {
      const d = x[base + j]! - fit[o + j]!;
      s += d * d;
    }
  } else {
    for (let j = 0; j < width; j++) {
      const d = Math.abs(x[base + j]! - fit[o + j]!);
      s += p === 1 ? d : d ** p;
    }
  }
  return s;
}

/** sklearn's KDTree min_rdist: reduced distance from the point to the node's bounding box. */
function minRdist(t: KdTree, node: number, x: Float64Array, base: number, width: number, p: number): number {
  let s = 0;
  const o = node * width;
  for (let j = 0; j < width; j++) {
    const lo = t.lower[o + j]! - x[base + j]!;
    const hi = x[base + j]! - t.upper[o + j]!;
    const d = 0.5 * (lo + Math.abs(lo) + (hi + Math.abs(hi)));
    s += p === 2 ? d * d : p === 1 ? d : d ** p;
  }
  return s;
}

/** sklearn.utils._heap.heap_push: a max-heap of the k best; equal distances never displace. */
function heapPush(values: Float64Array, indices: Int32Array, val: number, valIdx: number): void {
  const size = values.length;
  if (val >= values[0]!) return;
  let cur = 0;
  for (;;) {
    const l = 2 * cur + 1;
    const r = l + 1;
    let swap: number;
    if (l >= size) break;
    if (r >= size) {
      if (values[l]! > val) swap = l;
      else break;
    } else if (values[l]! >= values[r]!) {
      if (val < values[l]!) swap = l;
      else break;
    } else if (val < values[r]!) swap = r;
    else break;
    values[cur] = values[swap]!;
    indices[cur] = indices[swap]!;
    cur = swap;
  }
  values[cur] = val;
  indices[cur] = valIdx;
}

/** sklearn.utils._sorting.simultaneous_sort (median-of-three quicksort), for the same neighbour order. */
function simultaneousSort(v: Float64Array, ind: Int32Array, off: number, size: number): void {
  const swap = (a: number, b: number) => {
    const tv = v[off + a]!;
    v[off + a] = v[off + b]!;
    v[off + b] = tv;
    const ti = ind[off + a]!;
    ind[off + a] = ind[off + b]!;
    ind[off + b] = ti;
  };
  const at = (i: number) => v[off + i]!;
  if (size <= 1) return;
  if (size === 2) {
    if (at(0) > at(1)) swap(0, 1);
    return;
  }
  if (size === 3) {
    if (at(0) > at(1)) swap(0, 1);
    if (at(1) > at(2)) {
      swap(1, 2);
      if (at(0) > at(1)) swap(0, 1);
    }
    return;
  }
  let pivot = size >> 1;
  if (at(0) > at(size - 1)) swap(0, size - 1);
  if (at(size - 1) > at(pivot)) {
    swap(size - 1, pivot);
    if (at(0) > at(size - 1)) swap(0, size - 1);
  }
  const pv = at(size - 1);
  let store = 0;
  for (let i = 0; i < size - 1; i++) {
    if (at(i) < pv) {
      swap(i, store);
      store++;
    }
  }
  swap(store, size - 1);
  pivot = store;
  if (pivot > 1) simultaneousSort(v, ind, off, pivot);
  if (pivot + 2 < size) simultaneousSort(v, ind, off + pivot + 1, size - pivot - 1);
}

/** numpy's pairwise summation (what np.sum / np.mean use along a contiguous axis). */
function numpySum(a: ArrayLike<number>): number {
  const pairwise = (lo: number, n: number): number => {
    if (n < 8) {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[lo + i]!;
      return s;
    }
    if (n <= 128) {
      const r = new Array<number>(8);
      for (let j = 0; j < 8; j++) r[j] = a[lo + j]!;
      let i = 8;
      for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j]! += a[lo + i + j]!;
      let s = r[0]! + r[1]! + (r[2]! + r[3]!) + (r[4]! + r[5]! + (r[6]! + r[7]!));
      for (; i < n; i++) s += a[lo + i]!;
      return s;
    }
    let n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwise(lo, n2) + pairwise(lo + n2, n - n2);
  };
  return pairwise(0, a.length);
}
