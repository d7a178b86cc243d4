// A compact k-d tree over typed arrays for exact k-nearest-neighbour queries (Euclidean). Shared by the KNN
// trainer and the modelshelf-json decoder so that both find exactly the same neighbours.
//
// Neighbours are the k smallest by (squared distance, point index): ties go to the earlier training row,
// so the answer is a property of the point set, not of the tree's shape.

const LEAF_SIZE = 16;

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
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) idx[i] = i;
    if (n > 0) this.build(points, idx, 0, n);
    this.order = idx;
    this.pts = new Float64Array(n * dims);
    for (let j = 0; j < n; j++)
      this.pts.set(points.subarray(idx[j]! * dims, idx[j]! * dims + dims), j * dims);
  }

  private build(points: Float64Array, idx: Int32Array, s: number, e: number): number {
    const d = this.dims;
    const node = this.nodes++;
    this.start[node] = s;
    this.end[node] = e;
    let widest = 0;
    let spread = -1;
    for (let k = 0; k < d; k++) {
      let mn = Number.POSITIVE_INFINITY;
      let mx = Number.NEGATIVE_INFINITY;
      for (let i = s; i < e; i++) {
        const v = points[idx[i]! * d + k]!;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      this.lo[node * d + k] = mn;
      this.hi[node * d + k] = mx;
      if (mx - mn > spread) {
        spread = mx - mn;
        widest = k;
      }
    }
    if (e - s <= LEAF_SIZE || spread <= 0) {
      this.left[node] = -1;
      this.right[node] = -1;
      return node;
    }
    const mid = (s + e) >> 1;
    select(points, idx, s, e - 1, mid, d, widest);
    this.left[node] = this.build(points, idx, s, mid);
    this.right[node] = this.build(points, idx, mid, e);
    return node;
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
    let top = 0;
    stack[top++] = 0;
    const { lo, hi, pts, order, left, right } = this;
    while (top > 0) {
      const node = stack[--top]!;
      if (boxDistance(query, qOff, lo, hi, node * d, d) > outDist[k - 1]!) continue;
      const l = left[node]!;
      if (l < 0) {
        for (let j = this.start[node]!, je = this.end[node]!; j < je; j++) {
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
      // Push the farther child first so the nearer one is searched first and tightens the bound.
      if (dl <= dr) {
        stack[top++] = r;
        stack[top++] = l;
      } else {
        stack[top++] = l;
        stack[top++] = r;
      }
    }
  }

  /** Depth-first stack; the tree is balanced, so 2 · log2(n) + slack entries suffice. */
  private readonly stack = new Int32Array(256);
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

/** Quickselect: reorders idx[lo..hi] so that idx[kth] holds the point of rank kth along `axis`. */
function select(
  points: Float64Array,
  idx: Int32Array,
  lo: number,
  hi: number,
  kth: number,
  d: number,
  axis: number,
): void {
  const val = (i: number) => points[idx[i]! * d + axis]!;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // Median of three as pivot keeps sorted and reverse-sorted inputs linear.
    const a = val(lo);
    const b = val(mid);
    const c = val(hi);
    const pivot = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (val(i) < pivot) i++;
      while (val(j) > pivot) j--;
      if (i <= j) {
        const t = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (kth <= j) hi = j;
    else if (kth >= i) lo = i;
    else return;
  }
}
