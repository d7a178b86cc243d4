// Histogram-binned regression trees for squared-error boosting, shared by XgboostFitTrainer (XGBoost's
// regularised objective and split rule) and GradientBoostingRegressorTrainer's histogram mode (scikit-learn's).
//
// Each feature is cut into at most `maxBin` bins once per training set, stored row-major as one byte per value,
// four features to a 32-bit word, so one load gives a row's bins for four features. A tree grows depth-wise
// (XGBoost's default policy), as scikit-learn's and LightGBM's histogram boosters do: an index array is
// partitioned in place as nodes split, so each node's rows are one ascending range; only the smaller child's
// histogram is built from its rows, its sibling's is the parent's minus it. Splits into two leaves are not
// partitioned. Once a tree is grown, one in-order pass over all rows steps each to its leaf (each row's node is
// recorded as it is partitioned), updates its prediction and gradient, and sums the next tree's root histogram.
// With squared error the hessian is 1 per row, so hessian sums are row counts; the root's are computed once.
// The row loops are in hist-rows.ts.
//
// Split rules, so a threshold means exactly the training partition in the runtime that will evaluate it:
// - 'xgboost': a row goes left when float32(x) < threshold; thresholds are float32 values strictly above every
//   left value and at most the smallest right value.
// - 'sklearn': left when x <= threshold (float64); thresholds as scikit-learn's _BinMapper finds them (midpoints
//   of distinct values when few, else numpy's 'midpoint' percentiles).

import {
  addCounts,
  addGradients,
  addIndexedRows,
  applyLeaves,
  gradients,
  partitionRows,
  SLOTS,
  type StepTree,
  subtractC,
  subtractG,
} from './hist-rows.ts';

export type SplitRule = 'xgboost' | 'sklearn';

export interface BinnedColumns {
  rows: number;
  cols: number;
  /** 32-bit words per row: ⌈cols / 4⌉ (padding features have bin 0 and are never split on). */
  words: number;
  /** Row-major bins, byte k of word w of row r the bin of feature 4w + k (little-endian bytes). */
  packed: Int32Array;
  /** Per feature: cut c separates bins ≤ c from bins > c; threshold[c] is its value under the split rule. */
  cuts: Float64Array[];
}

/** Threshold between two neighbouring distinct values a < b under `rule`. */
function between(a: number, b: number, rule: SplitRule): number {
  if (rule === 'xgboost') {
    const t = Math.fround(a / 2 + b / 2);
    return t > a ? t : b; // float32(x) < t must hold for x = a and fail for x = b
  }
  const t = (a + b) * 0.5; // scikit-learn's midpoint
  return t >= b || !Number.isFinite(t) ? a : t;
}

/** numpy.percentile(sorted, 100·k/maxBin, method='midpoint') for k = 1 … maxBin − 1, as scikit-learn bins. */
function sklearnQuantiles(sorted: Float64Array, maxBin: number): number[] {
  const n = sorted.length;
  const step = 100 / maxBin; // numpy.linspace(0, 100, maxBin + 1)[k] = k · step
  const out: number[] = [];
  for (let k = 1; k < maxBin; k++) {
    const v = ((k * step) / 100) * (n - 1);
    const lo = Math.floor(v);
    const hi = Math.ceil(v);
    if (lo === hi) out.push(sorted[lo]!);
    else {
      const a = sorted[lo]!;
      const b = sorted[hi]!;
      out.push(b - (b - a) * 0.5); // numpy's _lerp at t = 0.5
    }
  }
  return out;
}

/**
 * Sorts finite values ascending (−0 before +0, as Float64Array.prototype.sort does). Sorting their bits as
 * unsigned 64-bit keys, mapped to keep the order (sign bit set on non-negatives, all bits flipped on
 * negatives), skips the comparator V8's float sort calls per comparison: about 1.6× faster.
 */
function sortFinite(a: Float64Array): void {
  const u = new Uint32Array(a.buffer, a.byteOffset, a.length * 2); // little-endian: high word second
  for (let i = 0; i < u.length; i += 2) {
    const mask = u[i + 1]! >> 31; // −1 on negatives
    u[i] = u[i]! ^ mask;
    u[i + 1] = u[i + 1]! ^ (mask | 0x80000000);
  }
  new BigUint64Array(a.buffer, a.byteOffset, a.length).sort();
  for (let i = 0; i < u.length; i += 2) {
    const mask = ~(u[i + 1]! >> 31); // −1 on keys of negatives
    u[i] = u[i]! ^ mask;
    u[i + 1] = u[i + 1]! ^ (mask | 0x80000000);
  }
}

/** Cuts each column of row-major `xs` into ≤ maxBin bins (quantiles of the values when there are more). */
export function binColumns(
  xs: Float64Array,
  rows: number,
  cols: number,
  maxBin: number,
  rule: SplitRule,
): BinnedColumns {
  if (!Number.isInteger(maxBin) || maxBin < 2 || maxBin > SLOTS) {
    throw new RangeError(`maxBin must be an integer in 2..${SLOTS}, got ${maxBin}`);
  }
  const words = Math.max(1, Math.ceil(cols / 4));
  const packed = new Int32Array(rows * words);
  const bytes = new Uint8Array(packed.buffer);
  const stride = words * 4;
  const cuts: Float64Array[] = [];
  const sorted = new Float64Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let r = 0; r < rows; r++) {
      const v = xs[r * cols + f]!;
      sorted[r] = rule === 'xgboost' ? Math.fround(v) : v;
    }
    sortFinite(sorted);
    // Distinct values, then cut positions: every gap when few, else at the quantiles.
    let distinct = 0;
    for (let i = 0; i < rows; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    let thresholds: number[] = [];
    if (distinct <= maxBin) {
      for (let i = 1; i < rows; i++) {
        if (sorted[i] !== sorted[i - 1]) thresholds.push(between(sorted[i - 1]!, sorted[i]!, rule));
      }
    } else if (rule === 'sklearn') {
      thresholds = sklearnQuantiles(sorted, maxBin);
    } else {
      let last = Number.NEGATIVE_INFINITY;
      for (let k = 1; k < maxBin; k++) {
        let i = Math.round((k * rows) / maxBin);
        while (i < rows && sorted[i] === sorted[i - 1]) i++;
        if (i >= rows) break;
        const t = between(sorted[i - 1]!, sorted[i]!, rule);
        if (t > last) {
          thresholds.push(t);
          last = t;
        }
      }
    }
    const cut = Float64Array.from(thresholds);
    cuts.push(cut);
    // bin = number of thresholds the value is not left of, by a search of fixed length over the thresholds
    // padded to SLOTS with NaN (every comparison with it is false, so no value is right of those, even ±∞
    // from float32 rounding): no branch on the data to mispredict.
    const pad = new Float64Array(SLOTS).fill(Number.NaN);
    pad.set(cut);
    if (rule === 'xgboost') binStrict(xs, cols, f, rows, pad, bytes, stride);
    else binInclusive(xs, cols, f, rows, pad, bytes, stride);
  }
  return { rows, cols, words, packed, cuts };
}

/** Bins column f under 'xgboost' (left when float32(x) < threshold): bin = thresholds ≤ float32(x). */
function binStrict(
  xs: Float64Array,
  cols: number,
  f: number,
  rows: number,
  pad: Float64Array,
  bytes: Uint8Array,
  stride: number,
): void {
  for (let r = 0; r < rows; r++) {
    const v = Math.fround(xs[r * cols + f]!);
    let lo = v >= pad[127]! ? 128 : 0;
    lo += v >= pad[lo + 63]! ? 64 : 0;
    lo += v >= pad[lo + 31]! ? 32 : 0;
    lo += v >= pad[lo + 15]! ? 16 : 0;
    lo += v >= pad[lo + 7]! ? 8 : 0;
    lo += v >= pad[lo + 3]! ? 4 : 0;
    lo += v >= pad[lo + 1]! ? 2 : 0;
    lo += v >= pad[lo]! ? 1 : 0;
    bytes[r * stride + f] = lo;
  }
}

/** Bins column f under 'sklearn' (left when x <= threshold): bin = thresholds < x. */
function binInclusive(
  xs: Float64Array,
  cols: number,
  f: number,
  rows: number,
  pad: Float64Array,
  bytes: Uint8Array,
  stride: number,
): void {
  for (let r = 0; r < rows; r++) {
    const v = xs[r * cols + f]!;
    let lo = v > pad[127]! ? 128 : 0;
    lo += v > pad[lo + 63]! ? 64 : 0;
    lo += v > pad[lo + 31]! ? 32 : 0;
    lo += v > pad[lo + 15]! ? 16 : 0;
    lo += v > pad[lo + 7]! ? 8 : 0;
    lo += v > pad[lo + 3]! ? 4 : 0;
    lo += v > pad[lo + 1]! ? 2 : 0;
    lo += v > pad[lo]! ? 1 : 0;
    bytes[r * stride + f] = lo;
  }
}

export interface HistTreeOptions {
  maxDepth: number;
  /** L2 penalty on leaf weights (XGBoost's lambda; 0 for scikit-learn's squared error). */
  lambda: number;
  /** Minimum loss reduction to keep a split (XGBoost's gamma / min_split_loss). */
  gamma: number;
  /** A split must reduce the loss by more than this (XGBoost's kRtEps = 1e-6; scikit-learn's 0). */
  minSplitGain: number;
  /** Minimum rows (hessian) in each child. */
  minChildWeight: number;
  /** Factor applied to leaf weights as they are stored (XGBoost's eta) — 1 when the runtime applies it. */
  leafScale: number;
  /** Factor applied when the leaves update the running prediction. */
  updateScale: number;
  /** Round leaf weights to float32, as XGBoost stores them. */
  float32Leaves: boolean;
}

/** One grown tree; split nodes carry the feature and its threshold, leaves the stored weight. */
export interface HistTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf weight as stored (×leafScale); on split nodes the node's own weight, for inspection. */
  value: Float64Array;
  /** 1 where a missing value should go left: toward the child with more training rows. */
  defaultLeft: Uint8Array;
  /** Loss reduction of each split (0 on leaves) and rows per node, as XGBoost's JSON records them. */
  gain: Float64Array;
  count: Float64Array;
}

/** Grows boosted trees over one binned table, reusing its buffers from tree to tree. */
export class HistBooster {
  private readonly grad: Float32Array;
  /** Row indices, partitioned in place as nodes split: each node's rows are one ascending range. */
  private readonly idx: Int32Array;
  private readonly tmp: Int32Array;
  /** Entries per node histogram: SLOTS per feature, for gradient sums and (separately) counts. */
  private readonly histSize: number;
  private childG: Float64Array;
  private childC: Int32Array;
  private parentG: Float64Array;
  private parentC: Int32Array;
  private readonly rootG: Float64Array;
  /** The root's counts: every row, whatever the tree. */
  private readonly rootC: Int32Array;
  /** The built histogram of a smaller child that is itself a leaf (only its sibling's is kept). */
  private readonly scratchG: Float64Array;
  private readonly scratchC: Int32Array;
  /** Per row, its node in the tree being grown (see grow). */
  private readonly node: Int32Array;

  constructor(
    private readonly data: BinnedColumns,
    private readonly options: HistTreeOptions,
  ) {
    const hs = data.words * 4 * SLOTS;
    this.histSize = hs;
    this.grad = new Float32Array(data.rows);
    this.idx = new Int32Array(data.rows);
    this.node = new Int32Array(data.rows);
    this.tmp = new Int32Array(data.rows);
    this.childG = new Float64Array(hs * 2);
    this.childC = new Int32Array(hs * 2);
    this.parentG = new Float64Array(hs * 2);
    this.parentC = new Int32Array(hs * 2);
    this.rootG = new Float64Array(hs);
    this.rootC = new Int32Array(hs);
    this.scratchG = new Float64Array(hs);
    this.scratchC = new Int32Array(hs);
    addCounts(this.rootC, data.packed, data.words, data.rows);
  }

  private weight(sumG: number, count: number): number {
    const w = (-sumG / (count + this.options.lambda)) * this.options.leafScale;
    return this.options.float32Leaves ? Math.fround(w) : w;
  }

  /**
   * Grows `nTrees` trees on squared error ½(prediction − y)², updating `prediction` by updateScale × leaf
   * after each tree.
   */
  boost(y: Float64Array, prediction: Float64Array, nTrees: number): HistTree[] {
    const { rows, words, packed } = this.data;
    const grad = this.grad;
    const root = this.rootG;
    // The first root histogram; later ones are summed in the pass that applies the tree before.
    let sumG = gradients(grad, prediction, y, rows);
    root.fill(0);
    addGradients(root, packed, words, grad, rows);
    const trees: HistTree[] = [];
    for (let t = 0; t < nTrees; t++) {
      const last = t === nTrees - 1;
      this.node.fill(0);
      const { tree, steps } = this.grow(sumG);
      trees.push(tree);
      if (!last) root.fill(0);
      sumG = applyLeaves(steps, this.node, prediction, y, grad, packed, words, rows, last ? undefined : root);
    }
    return trees;
  }

  /**
   * Grows one tree from the current gradients and root histogram. Rows are not updated; node[r] is left at the
   * row's leaf or at its split into two leaves, for applyLeaves.
   */
  private grow(rootSumG: number): { tree: HistTree; steps: StepTree } {
    const { rows, cols, words, packed, cuts } = this.data;
    const o = this.options;
    const grad = this.grad;
    const idx = this.idx;
    const tmp = this.tmp;
    const node = this.node;
    const hs = this.histSize;
    const feature: number[] = [];
    const threshold: number[] = [];
    const cutBin: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const defaultLeft: number[] = [];
    const gainOf: number[] = [];
    const countOf: number[] = [];
    const newNode = (count: number) => {
      feature.push(-1);
      threshold.push(0);
      cutBin.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
      defaultLeft.push(0);
      gainOf.push(0);
      countOf.push(count);
      return feature.length - 1;
    };
    const lambda = o.lambda;
    const minChild = Math.max(o.minChildWeight, 1e-300);
    // The current level: node ids, gradient sums, counts and first row (in idx) per slot; histograms in hg/hc.
    let ids = [newNode(rows)];
    let sums = [rootSumG];
    let counts = [rows];
    let starts = [0];
    let hg = this.rootG;
    let hc = this.rootC;
    let depth = 0;
    while (ids.length > 0) {
      const k = ids.length;
      const nextIds: number[] = [];
      const nextSums: number[] = [];
      const nextCounts: number[] = [];
      const nextStarts: number[] = [];
      if (this.childG.length < 2 * k * hs) {
        this.childG = new Float64Array(2 * k * hs);
        this.childC = new Int32Array(2 * k * hs);
      }
      const childG = this.childG;
      const childC = this.childC;
      for (let s = 0; s < k; s++) {
        const id = ids[s]!;
        const n = counts[s]!;
        const sg = sums[s]!;
        const a = starts[s]!;
        value[id] = this.weight(sg, n);
        let bestGain = 0;
        let bestF = -1;
        let bestCut = -1;
        let bestGL = 0;
        let bestCL = 0;
        if (depth < o.maxDepth && n >= 2 * minChild) {
          const parentScore = (sg * sg) / (n + lambda);
          const base = s * hs;
          for (let f = 0; f < cols; f++) {
            const nCuts = cuts[f]!.length;
            const fb = base + f * SLOTS;
            let gl = 0;
            let cl = 0;
            for (let c = 0; c < nCuts; c++) {
              const cnt = hc[fb + c]!;
              if (cnt === 0) continue;
              gl += hg[fb + c]!;
              cl += cnt;
              const cr = n - cl;
              if (cl < minChild) continue;
              if (cr < minChild) break;
              const gr = sg - gl;
              const gain = (gl * gl) / (cl + lambda) + (gr * gr) / (cr + lambda) - parentScore;
              if (gain > bestGain) {
                bestGain = gain;
                bestF = f;
                bestCut = c;
                bestGL = gl;
                bestCL = cl;
              }
            }
          }
        }
        // Loss reduction G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ), XGBoost's loss_chg (its code has no ½ factor).
        const keep = bestF >= 0 && bestGain > o.minSplitGain && !(bestGain < o.gamma);
        if (!keep) continue; // a leaf
        const nl = bestCL;
        const nr = n - bestCL;
        const l = newNode(nl);
        const rgt = newNode(nr);
        feature[id] = bestF;
        threshold[id] = cuts[bestF]![bestCut]!;
        cutBin[id] = bestCut;
        left[id] = l;
        right[id] = rgt;
        defaultLeft[id] = nl >= nr ? 1 : 0;
        gainOf[id] = bestGain;
        const gr = sg - bestGL;
        // A child that cannot split is a leaf now; its rows need no partition of their own.
        const leafL = depth + 1 >= o.maxDepth || nl < 2 * minChild;
        const leafR = depth + 1 >= o.maxDepth || nr < 2 * minChild;
        if (leafL) value[l] = this.weight(bestGL, nl);
        if (leafR) value[rgt] = this.weight(gr, nr);
        const word = bestF >> 2;
        const shift = (bestF & 3) * 8;
        if (leafL && leafR) continue; // its rows are stepped to their leaf by applyLeaves
        partitionRows(idx, tmp, node, a, a + n, depth === 0, packed, words, word, shift, bestCut, l, rgt);
        const slotL = leafL ? -1 : nextIds.length;
        if (!leafL) {
          nextIds.push(l);
          nextSums.push(bestGL);
          nextCounts.push(nl);
          nextStarts.push(a);
        }
        const slotR = leafR ? -1 : nextIds.length;
        if (!leafR) {
          nextIds.push(rgt);
          nextSums.push(gr);
          nextCounts.push(nr);
          nextStarts.push(a + nl);
        }
        // Only the smaller child's histogram is built from its rows; a growing sibling's is parent − it.
        const smallLeft = nl <= nr;
        const smallSlot = smallLeft ? slotL : slotR;
        const bigSlot = smallLeft ? slotR : slotL;
        const bg = smallSlot >= 0 ? childG : this.scratchG;
        const bc = smallSlot >= 0 ? childC : this.scratchC;
        const at = smallSlot >= 0 ? smallSlot * hs : 0;
        bg.fill(0, at, at + hs);
        bc.fill(0, at, at + hs);
        if (smallLeft) addIndexedRows(bg, bc, at, packed, words, grad, idx, a, a + nl);
        else addIndexedRows(bg, bc, at, packed, words, grad, idx, a + nl, a + n);
        if (bigSlot >= 0) {
          subtractG(childG, bigSlot * hs, hg, s * hs, bg, at, hs);
          subtractC(childC, bigSlot * hs, hc, s * hs, bc, at, hs);
        }
      }
      // The children's histograms become the parents' of the next level.
      this.childG = this.parentG;
      this.childC = this.parentC;
      this.parentG = childG;
      this.parentC = childC;
      hg = childG;
      hc = childC;
      ids = nextIds;
      sums = nextSums;
      counts = nextCounts;
      starts = nextStarts;
      depth++;
    }
    const size = feature.length;
    const steps: StepTree = {
      word: new Int32Array(size),
      shift: new Int32Array(size),
      cut: new Int32Array(size).fill(255),
      step: new Float64Array(2 * size),
    };
    for (let i = 0; i < size; i++) {
      const f = feature[i]!;
      const leaf = f < 0;
      steps.word[i] = leaf ? 0 : f >> 2;
      steps.shift[i] = leaf ? 0 : (f & 3) * 8;
      if (!leaf) steps.cut[i] = cutBin[i]!;
      steps.step[2 * i] = value[leaf ? i : left[i]!]! * o.updateScale;
      steps.step[2 * i + 1] = value[leaf ? i : right[i]!]! * o.updateScale;
    }
    return {
      tree: {
        feature: Int32Array.from(feature),
        threshold: Float64Array.from(threshold),
        left: Int32Array.from(left),
        right: Int32Array.from(right),
        value: Float64Array.from(value),
        defaultLeft: Uint8Array.from(defaultLeft),
        gain: Float64Array.from(gainOf),
        count: Float64Array.from(countOf),
      },
      steps,
    };
  }
}
