// A compact k-d tree over typed arrays for exact k-nearest-neighbour queries (Euclidean). Shared by the KNN
// trainer and the modelshelf-json decoder so that both find exactly the same neighbours.
//
// Neighbours are the k smallest by (squared distance, point index): ties go to the earlier training row,
// so the answer is a property of the point set, not of the tree's shape.

/** Points per leaf (scikit-learn's KDTree default is 30): fewer nodes to build and visit, short scans. */
const LEAF_SIZE = 32;
/** Deeper than any median-split tree over an array can get (2^48 rows). */
const MAX_DEPTH = 48;

export class KdTree {
  readonly size: number;
  /** Points copied in tree order (leaves contiguous) for cache-friendly scans. */
  private readonly pts: Float64Array;
  /** Original row index of each point in tree order. */
  private readonly order: Int32Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Child node ids; −1 for leaves. */
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** Bounding box per node: lo/hi[node · dims + d]. */
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private nodes = 0;

  constructor(
    points: Float64Array,
    readonly dims: number,
  ) {
    if (!Number.isInteger(dims) || dims < 1)
      throw new RangeError(`dims must be a positive integer, got ${dims}`);
    if (points.length % dims !== 0) {
      throw new RangeError(`points hold ${points.length} values, not a multiple of ${dims} dims`);
    }
    const n = points.length / dims;
    this.size = n;
    const maxNodes = Math.max(1, 2 * Math.ceil(n / (LEAF_SIZE / 2)) + 1);
    this.start = new Int32Array(maxNodes);
    this.end = new Int32Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.lo = new Float64Array(maxNodes * dims);
    this.hi = new Float64Array(maxNodes * dims);
    // The build reorders a copy of the rows themselves (not an index into them), so every pass over a node
    // reads contiguous memory and the copy ends up in tree order.
    this.pts = points.slice();
    this.order = new Int32Array(n);
    for (let i = 0; i < n; i++) this.order[i] = i;
    if (n > 0) {
      // The root's cell is the data's bounding box; every split halves a cell along its widest side.
      const cellLo = new Float64Array(MAX_DEPTH * dims);
      const cellHi = new Float64Array(MAX_DEPTH * dims);
      this.tightBox(0, 0, n);
      cellLo.set(this.lo.subarray(0, dims));
      cellHi.set(this.hi.subarray(0, dims));
      this.nodes = 0;
      this.build(0, n, 0, cellLo, cellHi);
    }
  }

  /**
   * Builds the subtree over rows s..e inside the cell at `depth` of cellLo/cellHi. The split axis is the
   * cell's widest side (no pass over the rows needed to choose it); each node's stored box is the tight
   * bounding box of its points, computed at the leaves and merged upwards, so every row is scanned for
   * boxes once in all instead of once per level.
   */
  private build(s: number, e: number, depth: number, cellLo: Float64Array, cellHi: Float64Array): number {
    const d = this.dims;
    const node = this.nodes++;
    this.start[node] = s;
    this.end[node] = e;
    const cell = depth * d;
    let widest = 0;
    let spread = -1;
    for (let k = 0; k < d; k++) {
      const w = cellHi[cell + k]! - cellLo[cell + k]!;
      if (w > spread) {
        spread = w;
        widest = k;
      }
    }
    if (e - s <= LEAF_SIZE || spread <= 0 || depth + 1 >= MAX_DEPTH) {
      this.left[node] = -1;
      this.right[node] = -1;
      this.tightBox(node, s, e);
      return node;
    }
    const mid = (s + e) >> 1;
    selectRows(this.pts, this.order, s, e - 1, mid, d, widest);
    const split = this.pts[mid * d + widest]!;
    const child = cell + d;
    cellLo.copyWithin(child, cell, cell + d);
    cellHi.copyWithin(child, cell, cell + d);
    cellHi[child + widest] = split;
    const l = this.build(s, mid, depth + 1, cellLo, cellHi);
    cellLo.copyWithin(child, cell, cell + d);
    cellHi.copyWithin(child, cell, cell + d);
    cellLo[child + widest] = split;
    const r = this.build(mid, e, depth + 1, cellLo, cellHi);
    this.left[node] = l;
    this.right[node] = r;
    const { lo, hi } = this;
    for (let k = 0; k < d; k++) {
      lo[node * d + k] = Math.min(lo[l * d + k]!, lo[r * d + k]!);
      hi[node * d + k] = Math.max(hi[l * d + k]!, hi[r * d + k]!);
    }
    return node;
  }

  /** lo/hi of `node` = the bounding box of rows s..e. */
  private tightBox(node: number, s: number, e: number): void {
    const { dims: d, pts, lo, hi } = this;
    for (let k = 0; k < d; k++) {
      let mn = Number.POSITIVE_INFINITY;
      let mx = Number.NEGATIVE_INFINITY;
      for (let p = s * d + k, pe = e * d; p < pe; p += d) {
        const v = pts[p]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lo[node * d + k] = mn;
      hi[node * d + k] = mx;
    }
  }

  /**
   * Writes the k nearest points to `query[qOff .. qOff + dims)` into outIdx/outDist (squared distances),
   * ascending by (distance, index). k must be ≤ size.
   */
  nearest(query: Float64Array, qOff: number, k: number, outIdx: Int32Array, outDist: Float64Array): void {
    if (k < 1 || k > this.size) throw new RangeError(`k must be in 1..${this.size}, got ${k}`);
    const d = this.dims;
    outDist.fill(Number.POSITIVE_INFINITY, 0, k);
    outIdx.fill(0x7fffffff, 0, k);
    const stack = this.stack;
    const bound = this.bound;
    let top = 0;
    stack[top] = 0;
    bound[top++] = 0;
    const { lo, hi, pts, order, left, right, start, end } = this;
    while (top > 0) {
      --top;
      // The box distance was computed when the node was pushed; the k-th best may have shrunk since.
      if (bound[top]! > outDist[k - 1]!) continue;
      const node = stack[top]!;
      const l = left[node]!;
      if (l < 0) {
        for (let j = start[node]!, je = end[node]!; j < je; j++) {
          let dist = 0;
          for (let c = 0, p = j * d; c < d; c++) {
            const diff = query[qOff + c]! - pts[p + c]!;
            dist += diff * diff;
          }
          const worst = outDist[k - 1]!;
          if (dist > worst) continue;
          const id = order[j]!;
          if (dist === worst && id > outIdx[k - 1]!) continue;
          // Insertion into the short sorted candidate list.
          let pos = k - 1;
          while (
            pos > 0 &&
            (outDist[pos - 1]! > dist || (outDist[pos - 1] === dist && outIdx[pos - 1]! > id))
          ) {
            outDist[pos] = outDist[pos - 1]!;
            outIdx[pos] = outIdx[pos - 1]!;
            pos--;
          }
          outDist[pos] = dist;
          outIdx[pos] = id;
        }
        continue;
      }
      const r = right[node]!;
      const dl = boxDistance(query, qOff, lo, hi, l * d, d);
      const dr = boxDistance(query, qOff, lo, hi, r * d, d);
      const worst = outDist[k - 1]!;
      // Push the farther child first so the nearer one is searched first and tightens the bound; a child
      // already beyond the k-th best is never pushed.
      if (dl <= dr) {
        if (dr <= worst) {
          stack[top] = r;
          bound[top++] = dr;
        }
        if (dl <= worst) {
          stack[top] = l;
          bound[top++] = dl;
        }
      } else {
        if (dl <= worst) {
          stack[top] = l;
          bound[top++] = dl;
        }
        if (dr <= worst) {
          stack[top] = r;
          bound[top++] = dr;
        }
      }
    }
  }

  /** Depth-first stack; the tree is balanced, so 2 · log2(n) + slack entries suffice. */
  private readonly stack = new Int32Array(256);
  /** Squared box distance of each stacked node, as computed when it was pushed. */
  private readonly bound = new Float64Array(256);
}

function boxDistance(
  q: Float64Array,
  qOff: number,
  lo: Float64Array,
  hi: Float64Array,
  off: number,
  d: number,
): number {
  let dist = 0;
  for (let c = 0; c < d; c++) {
    const v = q[qOff + c]!;
    const a = lo[off + c]!;
    const b = hi[off + c]!;
    const diff = v < a ? a - v : v > b ? v - b : 0;
    dist += diff * diff;
  }
  return dist;
}

/**
 * Quickselect on rows: reorders rows lo..hi of `pts` (and their original indices in `order`) so that row kth
 * holds the point of rank kth along `axis`, smaller ones before it and larger ones after.
 */
function selectRows(
  pts: Float64Array,
  order: Int32Array,
  lo: number,
  hi: number,
  kth: number,
  d: number,
  axis: number,
): void {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as pivot keeps sorted and reverse-sorted inputs linear.
    const a = pts[lo * d + axis]!;
    const b = pts[mid * d + axis]!;
    const c = pts[hi * d + axis]!;
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (pts[i * d + axis]! < pivot) i++;
      while (pts[j * d + axis]! > pivot) j--;
      if (i <= j) {
        const oi = i * d;
        const oj = j * d;
        for (let k = 0; k < d; k++) {
          const t = pts[oi + k]!;
          pts[oi + k] = pts[oj + k]!;
          pts[oj + k] = t;
        }
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
        i++;
        j--;
      }
    }
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else return;
  }
}
