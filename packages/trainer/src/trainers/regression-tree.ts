// Exact CART regression trees for gradient boosting, grown level by level on presorted feature columns.
//
// Every feature keeps its rows in value order; each node owns the same contiguous segment [start, end) in all
// of them, so a split search is one linear scan per feature and applying a split is one stable partition per
// feature — O(rows × features) per level, no sorting after the initial presort. Split choice follows
// scikit-learn's DecisionTreeRegressor(criterion="friedman_mse"): Friedman's improvement
// (n_R·ΣL − n_L·ΣR)² / (n_L·n_R), thresholds at midpoints between distinct values, features tried in column
// order and a later feature only wins on a strictly larger improvement.
import type { FlatTree } from '@modelshelf/formats';

/** scikit-learn's FEATURE_THRESHOLD: values closer than this are treated as equal (no split between them). */
const FEATURE_THRESHOLD = 1e-7;
/** scikit-learn's EPSILON on node impurity: a node this pure is a leaf. */
const IMPURITY_EPSILON = Number.EPSILON;

export interface TreeOptions {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
}

/** Columns presorted once per training set; trees copy the order and partition the copy. */
export class PresortedColumns {
  readonly order: Int32Array[];
  readonly sortedValues: Float64Array[];

  constructor(
    /** Row-major scaled features. */
    readonly xs: Float64Array,
    readonly rows: number,
    readonly cols: number,
  ) {
    this.order = [];
    this.sortedValues = [];
    for (let f = 0; f < cols; f++) {
      const v = new Float64Array(rows);
      for (let r = 0; r < rows; r++) v[r] = xs[r * cols + f]!;
      const idx = new Int32Array(rows);
      for (let r = 0; r < rows; r++) idx[r] = r;
      idx.sort((a, b) => v[a]! - v[b]! || a - b);
      this.order.push(idx);
      this.sortedValues.push(Float64Array.from(idx, (r) => v[r]!));
    }
  }
}

interface OpenNode {
  id: number;
  start: number;
  end: number;
  depth: number;
  sum: number;
  sumSq: number;
}

/** Reusable buffers for growing many trees over the same rows. */
export class TreeGrower {
  private readonly order: Int32Array[];
  private readonly values: Float64Array[];
  private readonly goesLeft: Uint8Array;
  private readonly tmpIdx: Int32Array;
  private readonly tmpVal: Float64Array;

  constructor(
    private readonly data: PresortedColumns,
    private readonly options: TreeOptions,
  ) {
    this.order = data.order.map((o) => new Int32Array(o.length));
    this.values = data.sortedValues.map((v) => new Float64Array(v.length));
    this.goesLeft = new Uint8Array(data.rows);
    this.tmpIdx = new Int32Array(data.rows);
    this.tmpVal = new Float64Array(data.rows);
  }

  /**
   * Grows one tree on `target` and adds `learningRate · leaf value` to `prediction` for every row
   * (the boosting update, done from the partition instead of a second traversal).
   */
  grow(target: Float64Array, prediction: Float64Array, learningRate: number): FlatTree {
    const { cols, rows } = this.data;
    for (let f = 0; f < cols; f++) {
      this.order[f]!.set(this.data.order[f]!);
      this.values[f]!.set(this.data.sortedValues[f]!);
    }
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const newNode = () => {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
      return feature.length - 1;
    };
    let sum = 0;
    let sumSq = 0;
    for (let r = 0; r < rows; r++) {
      sum += target[r]!;
      sumSq += target[r]! * target[r]!;
    }
    let level: OpenNode[] = [{ id: newNode(), start: 0, end: rows, depth: 0, sum, sumSq }];
    while (level.length > 0) {
      const next: OpenNode[] = [];
      for (const node of level) {
        const n = node.end - node.start;
        const mean = node.sum / n;
        value[node.id] = mean;
        const impurity = node.sumSq / n - mean * mean;
        const o = this.options;
        const split =
          node.depth >= o.maxDepth ||
          n < o.minSamplesSplit ||
          n < 2 * o.minSamplesLeaf ||
          impurity <= IMPURITY_EPSILON
            ? undefined
            : this.bestSplit(node, target);
        if (split === undefined) {
          const idx = this.order[0]!;
          for (let p = node.start; p < node.end; p++) {
            const r = idx[p]!;
            prediction[r] = prediction[r]! + learningRate * mean;
          }
          continue;
        }
        const mid = this.partition(node, split.feature, split.pos);
        const l = newNode();
        const rgt = newNode();
        feature[node.id] = split.feature;
        threshold[node.id] = split.threshold;
        left[node.id] = l;
        right[node.id] = rgt;
        next.push({
          id: l,
          start: node.start,
          end: mid,
          depth: node.depth + 1,
          sum: split.sumLeft,
          sumSq: split.sumSqLeft,
        });
        next.push({
          id: rgt,
          start: mid,
          end: node.end,
          depth: node.depth + 1,
          sum: node.sum - split.sumLeft,
          sumSq: node.sumSq - split.sumSqLeft,
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
    };
  }

  private bestSplit(node: OpenNode, target: Float64Array) {
    const { start, end } = node;
    const n = end - start;
    const minLeaf = this.options.minSamplesLeaf;
    let best:
      | { feature: number; pos: number; threshold: number; sumLeft: number; sumSqLeft: number }
      | undefined;
    let bestProxy = Number.NEGATIVE_INFINITY;
    for (let f = 0; f < this.data.cols; f++) {
      const idx = this.order[f]!;
      const val = this.values[f]!;
      if (val[end - 1]! <= val[start]! + FEATURE_THRESHOLD) continue;
      let sumL = 0;
      let sumSqL = 0;
      for (let p = start; p < end - 1; p++) {
        const t = target[idx[p]!]!;
        sumL += t;
        sumSqL += t * t;
        if (val[p + 1]! <= val[p]! + FEATURE_THRESHOLD) continue;
        const nL = p - start + 1;
        const nR = n - nL;
        if (nL < minLeaf || nR < minLeaf) continue;
        const diff = nR * sumL - nL * (node.sum - sumL);
        const proxy = (diff * diff) / (nL * nR);
        if (proxy > bestProxy) {
          bestProxy = proxy;
          let thr = val[p]! / 2 + val[p + 1]! / 2;
          if (thr === val[p + 1]! || !Number.isFinite(thr)) thr = val[p]!;
          best = { feature: f, pos: p, threshold: thr, sumLeft: sumL, sumSqLeft: sumSqL };
        }
      }
    }
    return best;
  }

  /** Moves the node's rows with x[feature] at sorted position ≤ pos to the front of every column; returns the boundary. */
  private partition(node: OpenNode, feature: number, pos: number): number {
    const { start, end } = node;
    const mark = this.goesLeft;
    const split = this.order[feature]!;
    for (let p = start; p < end; p++) mark[split[p]!] = p <= pos ? 1 : 0;
    const mid = pos + 1;
    for (let f = 0; f < this.data.cols; f++) {
      if (f === feature) continue;
      const idx = this.order[f]!;
      const val = this.values[f]!;
      let li = start;
      let ri = 0;
      for (let p = start; p < end; p++) {
        const r = idx[p]!;
        if (mark[r] === 1) {
          idx[li] = r;
          val[li] = val[p]!;
          li++;
        } else {
          this.tmpIdx[ri] = r;
          this.tmpVal[ri] = val[p]!;
          ri++;
        }
      }
      idx.set(this.tmpIdx.subarray(0, ri), li);
      val.set(this.tmpVal.subarray(0, ri), li);
    }
    return mid;
  }
}
