// Histogram-binned regression trees for squared-error boosting, shared by XgboostFitTrainer (XGBoost's
// regularised objective and split rule) and GradientBoostingRegressorTrainer's histogram mode (scikit-learn's).
//
// Each feature is cut into at most `maxBin` bins once per training set, stored row-major as one byte per value,
// four features to a 32-bit word, so one load gives a row's bins for four features. A tree grows depth-wise
// (XGBoost's default policy) in one sequential pass over all rows per level: each row carries the slot of the
// node it is in; the pass routes it to its child and adds its gradient to that child's histogram of gradient
// sums and counts (interleaved, one cache line per bin), so no row indices are partitioned or gathered. A row
// that reaches a leaf gets its boosting update there, its next gradient, and its share of the next tree's root
// histogram, so the next tree starts without a pass of its own. With squared error the hessian is 1 per row,
// so hessian sums are row counts.
//
// Split rules, so a threshold means exactly the training partition in the runtime that will evaluate it:
// - 'xgboost': a row goes left when float32(x) < threshold; thresholds are float32 values strictly above every
//   left value and at most the smallest right value.
// - 'sklearn': left when x <= threshold (float64); thresholds as scikit-learn's _BinMapper finds them (midpoints
//   of distinct values when few, else numpy's 'midpoint' percentiles).

export type SplitRule = 'xgboost' | 'sklearn';

/** Histogram slots per feature (a byte's range); a node's histogram holds 2 doubles per slot. */
const SLOTS = 256;

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
    sorted.sort();
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
    // bin = number of thresholds the value is not left of.
    const strict = rule === 'xgboost';
    const nCut = cut.length;
    for (let r = 0; r < rows; r++) {
      const v = strict ? Math.fround(xs[r * cols + f]!) : xs[r * cols + f]!;
      let lo = 0;
      let hi = nCut;
      if (strict) {
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (v < cut[mid]!) hi = mid;
          else lo = mid + 1;
        }
      } else {
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (v <= cut[mid]!) hi = mid;
          else lo = mid + 1;
        }
      }
      bytes[r * stride + f] = lo;
    }
  }
  return { rows, cols, words, packed, cuts };
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
  private readonly grad: Float64Array;
  /** Slot of each row's node in the current level, −1 once the row has reached its leaf. */
  private readonly slot: Int32Array;
  /** Doubles per node histogram: [Σg, n] per slot, SLOTS slots per feature. */
  private readonly histSize: number;
  private childHist: Float64Array;
  private parentHist: Float64Array;
  private rootHist: Float64Array;
  private nextRootHist: Float64Array;

  constructor(
    private readonly data: BinnedColumns,
    private readonly options: HistTreeOptions,
  ) {
    this.grad = new Float64Array(data.rows);
    this.slot = new Int32Array(data.rows);
    this.histSize = data.words * 4 * SLOTS * 2;
    this.childHist = new Float64Array(this.histSize * 2);
    this.parentHist = new Float64Array(this.histSize * 2);
    this.rootHist = new Float64Array(this.histSize);
    this.nextRootHist = new Float64Array(this.histSize);
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
    // The first root histogram; later ones are summed as rows reach their leaves.
    const root = this.rootHist.fill(0);
    let sumG = 0;
    for (let r = 0; r < rows; r++) {
      const g = prediction[r]! - y[r]!;
      grad[r] = g;
      sumG += g;
      addRow(root, 0, packed, r * words, words, g);
    }
    const trees: HistTree[] = [];
    for (let t = 0; t < nTrees; t++) {
      const last = t === nTrees - 1;
      const next = this.nextRootHist;
      if (!last) next.fill(0);
      const out = this.grow(y, prediction, sumG, last ? undefined : next);
      trees.push(out.tree);
      sumG = out.nextSumG;
      this.nextRootHist = this.rootHist;
      this.rootHist = next;
    }
    return trees;
  }

  private grow(
    y: Float64Array,
    prediction: Float64Array,
    rootSumG: number,
    nextRoot: Float64Array | undefined,
  ): { tree: HistTree; nextSumG: number } {
    const { rows, cols, words, packed, cuts } = this.data;
    const o = this.options;
    const grad = this.grad;
    const slot = this.slot.fill(0);
    const hs = this.histSize;
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const defaultLeft: number[] = [];
    const gainOf: number[] = [];
    const countOf: number[] = [];
    const newNode = (count: number) => {
      feature.push(-1);
      threshold.push(0);
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
    // The current level: node ids, gradient sums and counts per slot; its histograms in `hist`.
    let ids = [newNode(rows)];
    let sums = [rootSumG];
    let counts = [rows];
    let hist = this.rootHist;
    let depth = 0;
    let nextSumG = 0;
    while (ids.length > 0) {
      const k = ids.length;
      // Per slot: the split's word, shift and bin (word −1: the node is a leaf), and per side the child's
      // next-level slot (≥ 0) or ~leaf index of the leaf step (< 0).
      const routeWord = new Int32Array(k);
      const routeShift = new Int32Array(k);
      const routeBin = new Int32Array(k);
      const target = new Int32Array(2 * k);
      const steps: number[] = [];
      const nextIds: number[] = [];
      const nextSums: number[] = [];
      const nextCounts: number[] = [];
      const leafCode = (w: number) => {
        steps.push(w * o.updateScale);
        return ~(steps.length - 1);
      };
      for (let s = 0; s < k; s++) {
        const id = ids[s]!;
        const n = counts[s]!;
        const sg = sums[s]!;
        const w = this.weight(sg, n);
        value[id] = w;
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
            const fb = base + f * SLOTS * 2;
            let gl = 0;
            let cl = 0;
            for (let c = 0; c < nCuts; c++) {
              const cnt = hist[fb + 2 * c + 1]!;
              if (cnt === 0) continue;
              gl += hist[fb + 2 * c]!;
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
        if (!keep) {
          routeWord[s] = -1;
          target[2 * s] = leafCode(w);
          continue;
        }
        const nl = bestCL;
        const nr = n - bestCL;
        const l = newNode(nl);
        const rgt = newNode(nr);
        feature[id] = bestF;
        threshold[id] = cuts[bestF]![bestCut]!;
        left[id] = l;
        right[id] = rgt;
        defaultLeft[id] = nl >= nr ? 1 : 0;
        gainOf[id] = bestGain;
        routeWord[s] = bestF >> 2;
        routeShift[s] = (bestF & 3) * 8;
        routeBin[s] = bestCut;
        const children: [number, number, number][] = [
          [l, bestGL, nl],
          [rgt, sg - bestGL, nr],
        ];
        for (let side = 0; side < 2; side++) {
          const [cid, cg, cn] = children[side]!;
          // A child that cannot split is a leaf now: its rows take their step in this level's pass.
          if (depth + 1 >= o.maxDepth || cn < 2 * minChild) {
            const cw = this.weight(cg, cn);
            value[cid] = cw;
            target[2 * s + side] = leafCode(cw);
          } else {
            target[2 * s + side] = nextIds.length;
            nextIds.push(cid);
            nextSums.push(cg);
            nextCounts.push(cn);
          }
        }
      }
      // One pass over the rows: route each to its child (adding it to the child's histogram) or finish it.
      const kc = nextIds.length;
      if (this.childHist.length < kc * hs) this.childHist = new Float64Array(kc * hs);
      const child = this.childHist;
      child.fill(0, 0, kc * hs);
      const step = Float64Array.from(steps);
      const rootSum = routeRows(
        { packed, words, slot, routeWord, routeShift, routeBin, target, step },
        child,
        hs,
        grad,
        prediction,
        y,
        nextRoot,
      );
      nextSumG += rootSum;
      // The children's histograms become the parents' of the next level.
      this.childHist = this.parentHist;
      this.parentHist = child;
      hist = child;
      ids = nextIds;
      sums = nextSums;
      counts = nextCounts;
      depth++;
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
      nextSumG,
    };
  }
}

interface Routes {
  packed: Int32Array;
  words: number;
  slot: Int32Array;
  routeWord: Int32Array;
  routeShift: Int32Array;
  routeBin: Int32Array;
  target: Int32Array;
  step: Float64Array;
}

/**
 * One level's pass over the rows: each row still in a node moves to its child (and into the child's histogram)
 * or finishes in a leaf (prediction += step, next gradient, next root histogram). Returns the finished rows'
 * gradient sum. A function of its own, small enough for V8 to optimise as a whole.
 */
function routeRows(
  routes: Routes,
  child: Float64Array,
  hs: number,
  grad: Float64Array,
  prediction: Float64Array,
  y: Float64Array,
  nextRoot: Float64Array | undefined,
): number {
  const { packed, words, slot, routeWord, routeShift, routeBin, target, step } = routes;
  const rows = slot.length;
  let rootSum = 0;
  for (let r = 0; r < rows; r++) {
    const s = slot[r]!;
    if (s < 0) continue;
    const rw = routeWord[s]!;
    let to: number;
    if (rw < 0) to = target[2 * s]!;
    else {
      const bin = (packed[r * words + rw]! >>> routeShift[s]!) & 255;
      to = target[2 * s + (bin <= routeBin[s]! ? 0 : 1)]!;
    }
    if (to >= 0) {
      slot[r] = to;
      addRow(child, to * hs, packed, r * words, words, grad[r]!);
    } else {
      slot[r] = -1;
      const p = prediction[r]! + step[~to]!;
      prediction[r] = p;
      if (nextRoot !== undefined) {
        const g = p - y[r]!;
        grad[r] = g;
        rootSum += g;
        addRow(nextRoot, 0, packed, r * words, words, g);
      }
    }
  }
  return rootSum;
}

/** Adds gradient g and a count of 1 to the histogram at `base` for every feature of one packed row. */
function addRow(h: Float64Array, base: number, packed: Int32Array, at: number, words: number, g: number) {
  let hb = base;
  for (let w = 0; w < words; w++) {
    const v = packed[at + w]!;
    let i = hb + ((v & 255) << 1);
    h[i] = h[i]! + g;
    h[i + 1] = h[i + 1]! + 1;
    i = hb + 512 + (((v >>> 8) & 255) << 1);
    h[i] = h[i]! + g;
    h[i + 1] = h[i + 1]! + 1;
    i = hb + 1024 + (((v >>> 16) & 255) << 1);
    h[i] = h[i]! + g;
    h[i + 1] = h[i + 1]! + 1;
    i = hb + 1536 + ((v >>> 24) << 1);
    h[i] = h[i]! + g;
    h[i + 1] = h[i + 1]! + 1;
    hb += 2048;
  }
}
