// The per-row loops of HistBooster (hist-tree.ts): histogram building, in-place row partitioning, and the pass
// that applies a grown tree. Each is a small function of typed arrays and integers only, so V8 optimises it
// as a whole and keeps it monomorphic; the inner loops branch on no data value (sides are computed as 0/1).
//
// A node's histogram is two arrays of the same shape, per feature (4 to a packed word) SLOTS bins: gradient
// sums (Float64Array) and row counts (Int32Array, as the squared-error hessian is 1 per row). Separate arrays
// make each update a plain add, and let the root's counts, the same for every tree, be computed once.
// Gradients are stored as float32, as scikit-learn's and XGBoost's are (half the bytes each row pass reads);
// histogram sums stay float64.

/** Bins per feature in a histogram (a byte's range). */
export const SLOTS = 256;

/** Adds each row's gradient to the gradient histogram (counts untouched): rows 0..rows−1 in order. */
export function addGradients(
  hg: Float64Array,
  packed: Int32Array,
  words: number,
  grad: Float32Array,
  rows: number,
): void {
  for (let r = 0; r < rows; r++) addGradient(hg, packed, r * words, words, grad[r]!);
}

/** Adds a count of 1 per row to the count histogram at 0 for rows 0..rows−1. */
export function addCounts(hc: Int32Array, packed: Int32Array, words: number, rows: number): void {
  for (let r = 0; r < rows; r++) {
    let hb = 0;
    const at = r * words;
    for (let w = 0; w < words; w++) {
      const v = packed[at + w]!;
      let j = hb + (v & 255);
      hc[j] = hc[j]! + 1;
      j = hb + 256 + ((v >>> 8) & 255);
      hc[j] = hc[j]! + 1;
      j = hb + 512 + ((v >>> 16) & 255);
      hc[j] = hc[j]! + 1;
      j = hb + 768 + (v >>> 24);
      hc[j] = hc[j]! + 1;
      hb += 1024;
    }
  }
}

/** Adds the rows idx[a..b) (gradient and count) to the histograms at `base`, which the caller zeroed. */
export function addIndexedRows(
  hg: Float64Array,
  hc: Int32Array,
  base: number,
  packed: Int32Array,
  words: number,
  grad: Float32Array,
  idx: Int32Array,
  a: number,
  b: number,
): void {
  if (words === 1) {
    for (let i = a; i < b; i++) {
      const r = idx[i]!;
      const g = grad[r]!;
      const v = packed[r]!;
      let j = base + (v & 255);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
      j = base + 256 + ((v >>> 8) & 255);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
      j = base + 512 + ((v >>> 16) & 255);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
      j = base + 768 + (v >>> 24);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
    }
    return;
  }
  for (let i = a; i < b; i++) {
    const r = idx[i]!;
    const g = grad[r]!;
    let hb = base;
    const at = r * words;
    for (let w = 0; w < words; w++) {
      const v = packed[at + w]!;
      let j = hb + (v & 255);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
      j = hb + 256 + ((v >>> 8) & 255);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
      j = hb + 512 + ((v >>> 16) & 255);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
      j = hb + 768 + (v >>> 24);
      hg[j] = hg[j]! + g;
      hc[j] = hc[j]! + 1;
      hb += 1024;
    }
  }
}

/** out[to ..) = parent[from ..) − part[at ..) over `size` entries: a sibling's histogram from its parent's. */
export function subtractG(
  out: Float64Array,
  to: number,
  parent: Float64Array,
  from: number,
  part: Float64Array,
  at: number,
  size: number,
): void {
  for (let i = 0; i < size; i++) out[to + i] = parent[from + i]! - part[at + i]!;
}

/** subtractG for count histograms. */
export function subtractC(
  out: Int32Array,
  to: number,
  parent: Int32Array,
  from: number,
  part: Int32Array,
  at: number,
  size: number,
): void {
  for (let i = 0; i < size; i++) out[to + i] = parent[from + i]! - part[at + i]!;
}

/**
 * Stable in-place partition of idx[a..b) by one feature's bin: rows with bin ≤ cut first, in their order, then
 * the rest in theirs (through `tmp`); node[r] becomes the row's child, `left` or `right`. The feature is byte
 * `shift / 8` of word `word`. With `identity` the range is all rows in order and idx is not read (the root).
 * Returns the left count.
 */
export function partitionRows(
  idx: Int32Array,
  tmp: Int32Array,
  node: Int32Array,
  a: number,
  b: number,
  identity: boolean,
  packed: Int32Array,
  words: number,
  word: number,
  shift: number,
  cut: number,
  left: number,
  right: number,
): number {
  const dn = right - left;
  let nl = a;
  let nr = 0;
  if (identity) {
    for (let r = a; r < b; r++) {
      // 1 when bin > cut (the sign bit of cut − bin), without a branch on the data.
      const side = (cut - ((packed[r * words + word]! >>> shift) & 255)) >>> 31;
      idx[nl] = r;
      tmp[nr] = r;
      node[r] = left + side * dn;
      nl += side ^ 1;
      nr += side;
    }
  } else {
    for (let i = a; i < b; i++) {
      const r = idx[i]!;
      const side = (cut - ((packed[r * words + word]! >>> shift) & 255)) >>> 31;
      idx[nl] = r; // nl ≤ i: this slot has been read already
      tmp[nr] = r;
      node[r] = left + side * dn;
      nl += side ^ 1;
      nr += side;
    }
  }
  idx.set(tmp.subarray(0, nr), nl);
  return nl - a;
}

/**
 * A grown tree as the final row pass steps it: per node its split word, shift and bin cut, and the update of
 * the leaf each side leads to. Leaves lead to themselves (word 0, cut 255: every bin goes "left").
 */
export interface StepTree {
  word: Int32Array;
  shift: Int32Array;
  cut: Int32Array;
  /** Update of the leaf reached from node n: at 2n for bin ≤ cut, 2n + 1 above. */
  step: Float64Array;
}

/**
 * The pass over all rows, in order, after a tree is grown: each row's node[r] is its leaf or a split with two
 * leaf children (those are not partitioned); one step of `t` gives the leaf, and prediction[r] += its step.
 * With `next`, also the row's next gradient, added to the gradient histogram `next` (the next tree's root);
 * returns the gradients' sum (0 without `next`).
 */
export function applyLeaves(
  t: StepTree,
  node: Int32Array,
  prediction: Float64Array,
  y: Float64Array,
  grad: Float32Array,
  packed: Int32Array,
  words: number,
  rows: number,
  next: Float64Array | undefined,
): number {
  const { word, shift, cut, step } = t;
  if (next === undefined) {
    for (let r = 0; r < rows; r++) {
      const n = node[r]!;
      const side = (cut[n]! - ((packed[r * words + word[n]!]! >>> shift[n]!) & 255)) >>> 31;
      prediction[r] = prediction[r]! + step[2 * n + side]!;
    }
    return 0;
  }
  if (words === 1) return applyLeaves1(t, node, prediction, y, grad, packed, rows, next);
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const n = node[r]!;
    const at = r * words;
    const side = (cut[n]! - ((packed[at + word[n]!]! >>> shift[n]!) & 255)) >>> 31;
    const p = prediction[r]! + step[2 * n + side]!;
    prediction[r] = p;
    const g = Math.fround(p - y[r]!);
    grad[r] = g;
    sum += g;
    addGradient(next, packed, at, words, g);
  }
  return sum;
}

/** applyLeaves with `next` for rows of one packed word (≤ 4 features): the word is loaded once per row. */
function applyLeaves1(
  t: StepTree,
  node: Int32Array,
  prediction: Float64Array,
  y: Float64Array,
  grad: Float32Array,
  packed: Int32Array,
  rows: number,
  hg: Float64Array,
): number {
  const { shift, cut, step } = t;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const n = node[r]!;
    const v = packed[r]!;
    const side = (cut[n]! - ((v >>> shift[n]!) & 255)) >>> 31;
    const p = prediction[r]! + step[2 * n + side]!;
    prediction[r] = p;
    const g = Math.fround(p - y[r]!);
    grad[r] = g;
    sum += g;
    let j = v & 255;
    hg[j] = hg[j]! + g;
    j = 256 + ((v >>> 8) & 255);
    hg[j] = hg[j]! + g;
    j = 512 + ((v >>> 16) & 255);
    hg[j] = hg[j]! + g;
    j = 768 + (v >>> 24);
    hg[j] = hg[j]! + g;
  }
  return sum;
}

/** Adds g to the gradient histogram at 0 in every feature's bin of the packed row at `at`. */
function addGradient(hg: Float64Array, packed: Int32Array, at: number, words: number, g: number): void {
  let hb = 0;
  for (let w = 0; w < words; w++) {
    const v = packed[at + w]!;
    let j = hb + (v & 255);
    hg[j] = hg[j]! + g;
    j = hb + 256 + ((v >>> 8) & 255);
    hg[j] = hg[j]! + g;
    j = hb + 512 + ((v >>> 16) & 255);
    hg[j] = hg[j]! + g;
    j = hb + 768 + (v >>> 24);
    hg[j] = hg[j]! + g;
    hb += 1024;
  }
}

/** Squared-error gradients grad[r] = prediction[r] − y[r] for every row; returns their sum. */
export function gradients(
  grad: Float32Array,
  prediction: Float64Array,
  y: Float64Array,
  rows: number,
): number {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const g = Math.fround(prediction[r]! - y[r]!);
    grad[r] = g;
    sum += g;
  }
  return sum;
}
