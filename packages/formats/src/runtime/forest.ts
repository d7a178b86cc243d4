// The one tree-ensemble runtime of this package. Kepler's pickled archives (scikit-learn gradient boosting,
// XGBoost boosters) and modelshelf-json's gradient-boosting / xgboost kinds (and XGBoost JSON boosters, which
// decode to those) each convert their trees to a Forest once and add its leaves through the functions here, so
// a faster walk or a fix reaches every format at once.
//
// Layout: all trees in flat typed arrays, nodes renumbered breadth-first so a split's two children are
// adjacent (right = left + 1). A step is then one compare and an add, and prediction walks one tree over all
// rows (tree-major) so that tree stays in cache. Each row still adds its trees in order, so every sum rounds
// exactly as a row-by-row walk of the stored trees does.

/** One stored tree as parallel arrays, node 0 the root; a leaf has left child −1. */
export interface TreeArrays {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  /** Split thresholds (unused on leaves). */
  readonly threshold: ArrayLike<number>;
  /** Leaf values (unused on splits). */
  readonly value: ArrayLike<number>;
  /** 1 where a missing (NaN) value goes left; without it NaN goes right everywhere. */
  readonly missingLeft?: Uint8Array;
}

/**
 * Which side of a split a value equal to the threshold takes: scikit-learn sends x <= threshold left,
 * XGBoost only x < threshold.
 */
export type SplitRule = 'left-if-less-or-equal' | 'left-if-less';

export interface Forest {
  /** Per tree, the global index of its root. */
  readonly roots: Int32Array;
  /** Per node: split feature, or −1 on a leaf. */
  readonly feature: Int32Array;
  /** Per split node: x <= threshold goes left (strict rules are rewritten to this at build time). */
  readonly threshold: Float64Array;
  /** Per split node: its left child (the right child is next). */
  readonly kid: Int32Array;
  /** Per split node: the child a NaN takes, 0 left or 1 right. */
  readonly nanStep: Uint8Array;
  readonly value: Float64Array;
}

/**
 * Lays out trees whose every node is reachable once from node 0 (the decoders check this: it is how
 * scikit-learn, XGBoost and the trainers build trees). Throws on a node reached twice rather than mislay it.
 */
export function forestOf(trees: readonly TreeArrays[], rule: SplitRule): Forest {
  const total = trees.reduce((n, t) => n + t.left.length, 0);
  const f = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    kid: new Int32Array(total),
    nanStep: new Uint8Array(total),
    value: new Float64Array(total),
  };
  // order[k] is the stored node placed at global index base + k; its children are appended as it is placed.
  const order = new Int32Array(trees.reduce((n, t) => Math.max(n, t.left.length), 0));
  let base = 0;
  trees.forEach((t, i) => {
    const n = t.left.length;
    f.roots[i] = base;
    order[0] = 0;
    let placed = 1;
    for (let k = 0; k < placed; k++) {
      const s = order[k]!;
      const g = base + k;
      if (t.left[s]! === -1) {
        f.feature[g] = -1;
        f.value[g] = t.value[s]!;
        continue;
      }
      if (placed + 2 > n) throw new RangeError(`tree ${i}: a node is reached twice, not a tree`);
      const th = t.threshold[s]!;
      f.feature[g] = t.feature[s]!;
      f.threshold[g] = rule === 'left-if-less' ? below(th) : th;
      f.nanStep[g] = t.missingLeft?.[s] === 1 ? 0 : 1;
      f.kid[g] = base + placed;
      order[placed++] = t.left[s]!;
      order[placed++] = t.right[s]!;
    }
    base += placed;
  });
  return f;
}

const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);

/**
 * The largest float64 below t, so that x <= below(t) exactly when x < t for every non-NaN x: XGBoost's strict
 * split then walks the same one-compare loop as scikit-learn's. No number is below −∞: NaN makes x <= it false.
 */
export function below(t: number): number {
  if (Number.isNaN(t) || t === Number.NEGATIVE_INFINITY) return Number.NaN;
  if (t === 0) return -Number.MIN_VALUE;
  bits[0] = t;
  // IEEE 754 bits order magnitudes: one step down the magnitude for positives, one step up for negatives.
  word[0] = word[0]! + (t > 0 ? -1n : 1n);
  return bits[0]!;
}

/** The leaf a row starting at xs[o] reaches from root, for rows with no NaN (one compare per step). */
function leaf(f: Forest, xs: Float64Array, o: number, root: number): number {
  const { feature, threshold, kid } = f;
  let node = root;
  for (let j = feature[node]!; j >= 0; j = feature[node]!)
    node = kid[node]! + (xs[o + j]! <= threshold[node]! ? 0 : 1);
  return node;
}

/** The same walk where a NaN takes its split's missing-value side. */
function leafWithNaN(f: Forest, xs: Float64Array, o: number, root: number): number {
  const { feature, threshold, kid, nanStep } = f;
  let node = root;
  for (let j = feature[node]!; j >= 0; j = feature[node]!) {
    const v = xs[o + j]!;
    node = kid[node]! + (v <= threshold[node]! ? 0 : Number.isNaN(v) ? nanStep[node]! : 1);
  }
  return node;
}

// Kepler's features are counters and never NaN in practice; one scan of the input lets those rows walk the
// trees without the missing-value test, which costs about 15 % of a prediction.
function hasNaN(xs: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (Number.isNaN(xs[i]!)) return true;
  return false;
}

/** acc[r] += scale · (each tree's leaf for row r, trees in order), in float64 as scikit-learn adds stages. */
export function addForest(
  f: Forest,
  xs: Float64Array,
  rows: number,
  d: number,
  acc: Float64Array,
  scale: number,
): void {
  const { roots, value } = f;
  const nan = hasNaN(xs, rows * d);
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t]!;
    for (let r = 0; r < rows; r++) {
      const node = nan ? leafWithNaN(f, xs, r * d, root) : leaf(f, xs, r * d, root);
      acc[r] = acc[r]! + scale * value[node]!;
    }
  }
}

/**
 * acc[r] += each tree's leaf for row r, trees in order, rounding every sum to float32 as XGBoost does. addForest's
 * loop again on purpose: one function over Float64Array and Float32Array accumulators would be polymorphic in its
 * hottest line, and the float32 store is the rounding XGBoost's answers depend on.
 */
export function addForestFloat32(
  f: Forest,
  xs: Float64Array,
  rows: number,
  d: number,
  acc: Float32Array,
): void {
  const { roots, value } = f;
  const nan = hasNaN(xs, rows * d);
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t]!;
    for (let r = 0; r < rows; r++) {
      const node = nan ? leafWithNaN(f, xs, r * d, root) : leaf(f, xs, r * d, root);
      acc[r] = acc[r]! + value[node]!;
    }
  }
}

/** The rows rounded to float32 and widened back: what scikit-learn's trees and XGBoost compare against. */
export function float32Rows(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(x[i]!);
  return out;
}
