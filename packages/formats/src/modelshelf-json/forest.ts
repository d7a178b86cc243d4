// A gradient-boosting component's trees laid out for prediction: all trees in flat typed arrays, nodes
// renumbered breadth-first so a split's two children are adjacent (right = left + 1). A step is then one
// compare and an add (no select between two child arrays), and prediction walks one tree over all rows at a
// time (tree-major) so that tree stays in cache. Each row still adds its trees in order, so the sums are the
// same as a row-by-row walk of the stored trees, bit for bit.
import type { FlatTree } from './model.ts';

export interface Forest {
  /** Per tree, the global index of its root. */
  roots: Int32Array;
  /** Per node: split feature, or −1 on a leaf. */
  feature: Int32Array;
  threshold: Float64Array;
  /** Per split node: its left child (the right child is next). */
  kid: Int32Array;
  value: Float64Array;
}

/** Lays out valid trees (children reachable once from node 0, as the parser checks and trainers produce). */
export function forestOf(trees: readonly FlatTree[]): Forest {
  const total = trees.reduce((n, t) => n + t.feature.length, 0);
  const f: Forest = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    kid: new Int32Array(total),
    value: new Float64Array(total),
  };
  // order[k] is the stored node placed at global index base + k; its children are appended as it is placed.
  const order = new Int32Array(trees.reduce((n, t) => Math.max(n, t.feature.length), 0));
  let base = 0;
  trees.forEach((t, i) => {
    f.roots[i] = base;
    order[0] = 0;
    let placed = 1;
    for (let k = 0; k < placed; k++) {
      const s = order[k]!;
      const g = base + k;
      f.feature[g] = t.feature[s]!;
      f.threshold[g] = t.threshold[s]!;
      f.value[g] = t.value[s]!;
      if (t.feature[s]! < 0) continue;
      f.kid[g] = base + placed;
      order[placed++] = t.left[s]!;
      order[placed++] = t.right[s]!;
    }
    base += placed;
  });
  return f;
}

/** acc[r] += scale · (the leaf value of each tree, in order) for the scaled rows xs (d values per row). */
export function addForest(
  f: Forest,
  scale: number,
  xs: Float64Array,
  rows: number,
  d: number,
  acc: Float64Array,
): void {
  const { roots, feature, threshold, kid, value } = f;
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t]!;
    for (let r = 0; r < rows; r++) {
      const o = r * d;
      let node = root;
      for (let j = feature[node]!; j >= 0; j = feature[node]!) {
        // x <= threshold goes left; NaN goes right, as in treeValue.
        node = kid[node]! + (xs[o + j]! <= threshold[node]! ? 0 : 1);
      }
      acc[r] = acc[r]! + scale * value[node]!;
    }
  }
}
