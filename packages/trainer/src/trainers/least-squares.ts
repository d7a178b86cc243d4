// Least squares through one Householder QR pass over the data: A (n × d, column-major) and b reduce to the
// small triangular system R z ≈ Qᵀb, so every later solve (OLS, or NNLS on any column subset) costs O(d³)
// instead of another pass over n rows, and stays as well conditioned as A itself (no normal equations).
import { Matrix, SingularValueDecomposition } from 'ml-matrix';

export interface ReducedProblem {
  /** d × d upper-triangular R of A = QR. */
  r: Matrix;
  /** The first d entries of Qᵀb. */
  qtb: Float64Array;
}

/** Householder QR of the columns (each of length n; overwritten) and of b (copied). */
export function reduceLeastSquares(columns: Float64Array[], b: Float64Array): ReducedProblem {
  const d = columns.length;
  const n = b.length;
  const y = Float64Array.from(b);
  const r = Matrix.zeros(d, d);
  for (let k = 0; k < d; k++) {
    const a = columns[k]!;
    let norm = 0;
    for (let i = k; i < n; i++) norm += a[i]! * a[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0 || k >= n) {
      for (let j = k; j < d; j++) r.set(k, j, k < n ? columns[j]![k]! : 0);
      continue;
    }
    const alpha = a[k]! > 0 ? -norm : norm;
    // v = a[k:] - alpha·e1, stored in place; vᵀv = 2·norm·(norm + |a_kk|).
    a[k] = a[k]! - alpha;
    const vtv = a[k]! * a[k]! + (norm * norm - (a[k]! + alpha) * (a[k]! + alpha));
    // Apply the reflection H = I − 2vvᵀ/vᵀv to the remaining columns and to y (plain loops: hot on big data).
    for (let j = k + 1; j <= d; j++) {
      const target = j < d ? columns[j]! : y;
      let dot = 0;
      for (let i = k; i < n; i++) dot += a[i]! * target[i]!;
      const f = (2 * dot) / vtv;
      for (let i = k; i < n; i++) target[i] = target[i]! - f * a[i]!;
    }
    r.set(k, k, alpha);
    for (let j = k + 1; j < d; j++) r.set(k, j, columns[j]![k]!);
  }
  return { r, qtb: y.slice(0, d) };
}

/** Minimum-norm least-squares solution of R z ≈ c over the columns `cols` of R (SVD, so rank deficiency is fine). */
export function solveReduced(
  p: ReducedProblem,
  cols: readonly number[] = allColumns(p.r.columns),
): Float64Array {
  const d = p.r.rows;
  const sub = new Matrix(d, cols.length);
  cols.forEach((c, j) => {
    for (let i = 0; i < d; i++) sub.set(i, j, p.r.get(i, c));
  });
  const rhs = Matrix.columnVector(Array.from(p.qtb));
  const z = new SingularValueDecomposition(sub, { autoTranspose: true }).solve(rhs);
  return Float64Array.from(z.getColumn(0));
}

function allColumns(d: number): number[] {
  return Array.from({ length: d }, (_, i) => i);
}

/** Column-major copy of row-major data with each column centred on its mean; returns the means too. */
export function centredColumns(
  data: Float64Array,
  rows: number,
  cols: number,
): { columns: Float64Array[]; means: Float64Array } {
  const means = new Float64Array(cols);
  const columns = Array.from({ length: cols }, () => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c]!;
      columns[c]![r] = v;
      means[c] = means[c]! + v;
    }
  }
  for (let c = 0; c < cols; c++) {
    const m = rows > 0 ? means[c]! / rows : 0;
    means[c] = m;
    const col = columns[c]!;
    for (let r = 0; r < rows; r++) col[r] = col[r]! - m;
  }
  return { columns, means };
}

export function mean(y: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i]!;
  return y.length > 0 ? s / y.length : 0;
}
