// Histogram-binned regression trees for squared-error boosting, shared by XgboostFitTrainer (XGBoost's
// regularised objective and split rule) and GradientBoostingRegressorTrainer's histogram mode (scikit-learn's).
//
// Each feature is cut into at most `maxBin` bins once per training set (one byte per value, one array per
// feature, as scikit-learn's histogram booster stores them). A tree grows depth-wise (XGBoost's default policy);
// every node's histogram of gradient sums and counts is either built from its rows (the smaller child) or
// derived as parent − sibling (the larger), so each level costs at most half the rows. With squared error the
// hessian is 1 per row, so hessian sums are row counts.
//
// Split rules, so a threshold means exactly the training partition in the runtime that will evaluate it:
// - 'xgboost': a row goes left when float32(x) < threshold; thresholds are float32 values strictly above every
//   left value and at most the smallest right value.
// - 'sklearn': left when x <= threshold (float64), thresholds between the two neighbouring bin values.

export type SplitRule = 'xgboost' | 'sklearn';

export interface BinnedColumns {
  rows: number;
  cols: number;
  /** Per feature, the bin index of every row. */
  bins: Uint8Array[];
  /** Per feature: cut c separates bins ≤ c from bins > c; threshold[c] is its value under the split rule. */
  cuts: Float64Array[];
  /** First histogram slot of each feature (Σ of previous features' bin counts). */
  offset: Int32Array;
  totalBins: number;
}

/** Threshold between two neighbouring distinct values a < b under `rule`. */
function between(a: number, b: number, rule: SplitRule): number {
  if (rule === 'xgboost') {
    const t = Math.fround(a / 2 + b / 2);
    return t > a ? t : b; // float32(x) < t must hold for x = a and fail for x = b
  }
  const t = a / 2 + b / 2;
  return t >= b || !Number.isFinite(t) ? a : t;
}

/** Cuts each column of row-major `xs` into ≤ maxBin bins (quantiles of the values when there are more). */
export function binColumns(
  xs: Float64Array,
  rows: number,
  cols: number,
  maxBin: number,
  rule: SplitRule,
): BinnedColumns {
  if (!Number.isInteger(maxBin) || maxBin < 2 || maxBin > 256) {
    throw new RangeError(`maxBin must be an integer in 2..256, got ${maxBin}`);
  }
  const bins: Uint8Array[] = [];
  const cuts: Float64Array[] = [];
  const offset = new Int32Array(cols);
  let total = 0;
  const sorted = new Float64Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let r = 0; r < rows; r++) {
      const v = xs[r * cols + f]!;
      sorted[r] = rule === 'xgboost' ? Math.fround(v) : v;
    }
    sorted.sort();
    // Distinct values, then cut positions: every gap when few, else gaps nearest the quantiles.
    let distinct = 0;
    for (let i = 0; i < rows; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    const thresholds: number[] = [];
    if (distinct <= maxBin) {
      for (let i = 1; i < rows; i++) {
        if (sorted[i] !== sorted[i - 1]) thresholds.push(between(sorted[i - 1]!, sorted[i]!, rule));
      }
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
    offset[f] = total;
    total += cut.length + 1;
    // bin = number of thresholds the value is not left of.
    const col = new Uint8Array(rows);
    bins.push(col);
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
      col[r] = lo;
    }
  }
  return { rows, cols, bins, cuts, offset, totalBins: total };
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

interface Node {
  id: number;
  start: number;
  end: number;
  depth: number;
  sumG: number;
  histG: Float64Array;
  histC: Float64Array;
}

export class HistTreeGrower {
  private readonly rowsBuf: Int32Array;
  private readonly tmp: Int32Array;
  private readonly ordered: Float64Array;

  constructor(
    private readonly data: BinnedColumns,
    private readonly options: HistTreeOptions,
  ) {
    this.rowsBuf = new Int32Array(data.rows);
    this.tmp = new Int32Array(data.rows);
    this.ordered = new Float64Array(data.rows);
  }

  /**
   * Gradient sums and counts per bin of the rows at [start, end) of the row buffer. The node's gradients are
   * gathered once into a contiguous array, then each feature is one pass over its own byte column.
   */
  private buildHistogram(start: number, end: number, grad: Float64Array): [Float64Array, Float64Array] {
    const { bins, cols, offset, totalBins, rows: all } = this.data;
    const hg = new Float64Array(totalBins);
    const hc = new Float64Array(totalBins);
    const rows = this.rowsBuf;
    const whole = start === 0 && end === all;
    const og = this.ordered;
    const n = end - start;
    if (!whole) for (let p = 0; p < n; p++) og[p] = grad[rows[start + p]!]!;
    for (let f = 0; f < cols; f++) {
      const col = bins[f]!;
      const off = offset[f]!;
      if (whole) {
        for (let r = 0; r < n; r++) {
          const b = off + col[r]!;
          hg[b]! += grad[r]!;
          hc[b]!++;
        }
      } else {
        for (let p = 0; p < n; p++) {
          const b = off + col[rows[start + p]!]!;
          hg[b]! += og[p]!;
          hc[b]!++;
        }
      }
    }
    return [hg, hc];
  }

  private weight(sumG: number, count: number): number {
    const w = (-sumG / (count + this.options.lambda)) * this.options.leafScale;
    return this.options.float32Leaves ? Math.fround(w) : w;
  }

  /** Grows one tree on gradients `grad` (prediction − target) and adds updateScale × leaf to `prediction`. */
  grow(grad: Float64Array, prediction: Float64Array): HistTree {
    const { rows, cols, bins, cuts, offset } = this.data;
    const o = this.options;
    const rowsBuf = this.rowsBuf;
    for (let r = 0; r < rows; r++) rowsBuf[r] = r;
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
    let sumG = 0;
    for (let r = 0; r < rows; r++) sumG += grad[r]!;
    const [hg0, hc0] = this.buildHistogram(0, rows, grad);
    let level: Node[] = [{ id: newNode(rows), start: 0, end: rows, depth: 0, sumG, histG: hg0, histC: hc0 }];
    const lambda = o.lambda;
    const minChild = Math.max(o.minChildWeight, 1e-300);
    while (level.length > 0) {
      const next: Node[] = [];
      for (const node of level) {
        const n = node.end - node.start;
        const w = this.weight(node.sumG, n);
        value[node.id] = w;
        let bestGain = 0;
        let bestF = -1;
        let bestCut = -1;
        let bestGL = 0;
        let bestCL = 0;
        if (node.depth < o.maxDepth && n >= 2 * minChild) {
          const parentScore = (node.sumG * node.sumG) / (n + lambda);
          for (let f = 0; f < cols; f++) {
            const nCuts = cuts[f]!.length;
            const base = offset[f]!;
            let gl = 0;
            let cl = 0;
            for (let c = 0; c < nCuts; c++) {
              const cnt = node.histC[base + c]!;
              if (cnt === 0) continue;
              gl += node.histG[base + c]!;
              cl += cnt;
              const cr = n - cl;
              if (cl < minChild) continue;
              if (cr < minChild) break;
              const gr = node.sumG - gl;
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
          const step = w * o.updateScale;
          for (let p = node.start; p < node.end; p++) {
            const r = rowsBuf[p]!;
            prediction[r] = prediction[r]! + step;
          }
          continue;
        }
        const childDepth = node.depth + 1;
        const grows = childDepth < o.maxDepth;
        if (!grows) {
          // Both children are leaves: set them and update the prediction in one pass, without partitioning.
          const nl = bestCL;
          const nr = n - bestCL;
          const wl = this.weight(bestGL, nl);
          const wr = this.weight(node.sumG - bestGL, nr);
          const l = newNode(nl);
          const rgt = newNode(nr);
          value[l] = wl;
          value[rgt] = wr;
          feature[node.id] = bestF;
          threshold[node.id] = cuts[bestF]![bestCut]!;
          left[node.id] = l;
          right[node.id] = rgt;
          defaultLeft[node.id] = nl >= nr ? 1 : 0;
          gainOf[node.id] = bestGain;
          const col = bins[bestF]!;
          const sl = wl * o.updateScale;
          const sr = wr * o.updateScale;
          for (let p = node.start; p < node.end; p++) {
            const r = rowsBuf[p]!;
            prediction[r] = prediction[r]! + (col[r]! <= bestCut ? sl : sr);
          }
          continue;
        }
        // Partition the node's rows: bin ≤ bestCut to the front (stable on both sides).
        // Branch-free: every row is written to both sides and only the matching cursor advances.
        const tmp = this.tmp;
        const col = bins[bestF]!;
        let li = node.start;
        let ri = 0;
        for (let p = node.start; p < node.end; p++) {
          const r = rowsBuf[p]!;
          const goesLeft = col[r]! <= bestCut ? 1 : 0;
          rowsBuf[li] = r;
          tmp[ri] = r;
          li += goesLeft;
          ri += 1 - goesLeft;
        }
        rowsBuf.set(tmp.subarray(0, ri), li);
        const mid = li;
        const nl = mid - node.start;
        const nr = node.end - mid;
        const l = newNode(nl);
        const rgt = newNode(nr);
        feature[node.id] = bestF;
        threshold[node.id] = cuts[bestF]![bestCut]!;
        left[node.id] = l;
        right[node.id] = rgt;
        defaultLeft[node.id] = nl >= nr ? 1 : 0;
        gainOf[node.id] = bestGain;
        // Build the smaller child's histogram, derive the larger in place from the parent's arrays.
        const smallLeft = nl <= nr;
        const [sg, sc] = smallLeft
          ? this.buildHistogram(node.start, mid, grad)
          : this.buildHistogram(mid, node.end, grad);
        const bg = node.histG;
        const bc = node.histC;
        for (let b = 0; b < bg.length; b++) {
          bg[b]! -= sg[b]!;
          bc[b]! -= sc[b]!;
        }
        const [lg, lc, rg, rc] = smallLeft ? [sg, sc, bg, bc] : [bg, bc, sg, sc];
        const base: Omit<Node, 'id' | 'start' | 'end' | 'sumG' | 'histG' | 'histC'> = { depth: childDepth };
        next.push({ ...base, id: l, start: node.start, end: mid, sumG: bestGL, histG: lg, histC: lc });
        next.push({
          ...base,
          id: rgt,
          start: mid,
          end: node.end,
          sumG: node.sumG - bestGL,
          histG: rg,
          histC: rc,
        });
      }
      level = next;
    }
    return {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
      defaultLeft: Uint8Array.from(defaultLeft),
      gain: Float64Array.from(gainOf),
      count: Float64Array.from(countOf),
    };
  }
}
