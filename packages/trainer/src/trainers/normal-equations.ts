// Least squares for tall, narrow data (many rows, a handful of features) through the normal equations:
// centred columns, their Gram matrix XᵀX and Xᵀy, and a Cholesky factor G = RᵀR turn the data into the same
// small triangular problem ‖R z − c‖ (c = R⁻ᵀXᵀy) that a QR pass gives, at a fraction of the cost: the Gram
// matrix is d(d+1)/2 read-only dot products of contiguous columns, where Householder QR reads and rewrites
// the whole remaining matrix once per column.
// Squaring the condition number is the price; max-abs scaling keeps the columns in [-1, 1], and when a
// pivot shows the Gram matrix is close to singular the caller is told to use QR instead (returns null).
import { Matrix as MlMatrix } from 'ml-matrix';
import type { ReducedProblem } from './least-squares.ts';
import type { Matrix } from './types.ts';

/**
 * Smallest accepted R_kk² / G_kk: the share of column k not explained by the earlier columns. Below it the
 * normal equations would lose more than about half of the double-precision digits, so QR is safer.
 */
const MIN_RELATIVE_PIVOT = 1e-6;

export interface CentredNormalEquations {
  problem: ReducedProblem;
  /** Means of the scaled columns (for the intercept ȳ − x̄·coef). */
  means: Float64Array;
  yMean: number;
}

/**
 * Reduces min ‖(X/scale − x̄) z − (y − ȳ)‖ to its d × d triangular form; X is raw and row-major, scale is the
 * max-abs scale (0 means the feature is ignored: its column is all zeros). Null when the Gram matrix is
 * too ill-conditioned for the normal equations.
 */
export function reduceCentredNormalEquations(
  x: Matrix,
  scale: Float64Array,
  y: Float64Array,
): CentredNormalEquations | null {
  const { columns, means } = scaledCentredColumns(x, scale);
  const { centred, mean: yMean } = centredTarget(y);
  const problem = reduceCentredColumns(columns, centred);
  return problem && { problem, means, yMean };
}

/**
 * Column-major copy of X/scale, each column centred on its mean (one pass over the rows to transpose and sum,
 * one contiguous pass per column to centre). Centring before the products (rather than subtracting n·x̄x̄ᵀ
 * afterwards) avoids cancellation when a column varies little around a large mean.
 */
export function scaledCentredColumns(
  x: Matrix,
  scale: Float64Array,
): { columns: Float64Array[]; means: Float64Array } {
  const { rows: n, cols: d, data } = x;
  const columns = Array.from({ length: d }, () => new Float64Array(n));
  for (let c = 0; c < d; c++) {
    const s = scale[c]!;
    if (s === 0) continue;
    const inv = 1 / s;
    const col = columns[c]!;
    for (let r = 0, o = c; r < n; r++, o += d) col[r] = data[o]! * inv;
  }
  return { columns, means: centreInPlace(columns) };
}

/** Subtracts each column's mean from it; returns the means. */
export function centreInPlace(columns: Float64Array[]): Float64Array {
  const means = new Float64Array(columns.length);
  columns.forEach((col, c) => {
    const n = col.length;
    let sum = 0;
    for (let r = 0; r < n; r++) sum += col[r]!;
    const m = n > 0 ? sum / n : 0;
    means[c] = m;
    for (let r = 0; r < n; r++) col[r] = col[r]! - m;
  });
  return means;
}

export function centredTarget(y: Float64Array): { centred: Float64Array; mean: number } {
  const n = y.length;
  let sum = 0;
  for (let r = 0; r < n; r++) sum += y[r]!;
  const mean = n > 0 ? sum / n : 0;
  const centred = new Float64Array(n);
  for (let r = 0; r < n; r++) centred[r] = y[r]! - mean;
  return { centred, mean };
}

/**
 * The triangular problem from centred columns and centred target (left untouched, so QR can still take them
 * when this returns null). The Gram matrix XᵀX and Xᵀy are dot products of contiguous columns, four at a
 * time in locals so each value of the left column is loaded once.
 */
export function reduceCentredColumns(columns: Float64Array[], yc: Float64Array): ReducedProblem | null {
  const d = columns.length;
  const n = yc.length;
  // Column d is the target: row a of the extended Gram matrix ends with (Xᵀy)_a.
  const all = [...columns, yc];
  const w = d + 1;
  const gram = new Float64Array(d * w);
  for (let a = 0; a < d; a++) {
    const ca = all[a]!;
    let b = a;
    for (; b + 3 < w; b += 4) {
      const c0 = all[b]!;
      const c1 = all[b + 1]!;
      const c2 = all[b + 2]!;
      const c3 = all[b + 3]!;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let r = 0; r < n; r++) {
        const v = ca[r]!;
        s0 += v * c0[r]!;
        s1 += v * c1[r]!;
        s2 += v * c2[r]!;
        s3 += v * c3[r]!;
      }
      gram[a * w + b] = s0;
      gram[a * w + b + 1] = s1;
      gram[a * w + b + 2] = s2;
      gram[a * w + b + 3] = s3;
    }
    for (; b < w; b++) {
      const cb = all[b]!;
      let s = 0;
      for (let r = 0; r < n; r++) s += ca[r]! * cb[r]!;
      gram[a * w + b] = s;
    }
  }
  const rFactor = cholesky(gram, d, w);
  if (!rFactor) return null;
  // c = R⁻ᵀ Xᵀy by forward substitution (Rᵀ is lower triangular); a zeroed row contributes nothing.
  const c = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = gram[i * w + d]!;
    for (let k = 0; k < i; k++) s -= rFactor[k * d + i]! * c[k]!;
    const rii = rFactor[i * d + i]!;
    c[i] = rii === 0 ? 0 : s / rii;
  }
  const r = new MlMatrix(d, d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) r.set(i, j, rFactor[i * d + j]!);
  return { r, qtb: c };
}

/**
 * Upper-triangular R with RᵀR = G (G's upper triangle is read, row-major d × d with rows `stride` apart). An all-zero column (a feature
 * with scale 0) gets a zero row, as QR would give it; any other pivot that loses too much is a null.
 */
function cholesky(g: Float64Array, d: number, stride: number): Float64Array | null {
  const r = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const gkk = g[k * stride + k]!;
    let s = gkk;
    for (let i = 0; i < k; i++) s -= r[i * d + k]! * r[i * d + k]!;
    if (gkk === 0) continue;
    if (!(s > MIN_RELATIVE_PIVOT * gkk)) return null;
    const rkk = Math.sqrt(s);
    r[k * d + k] = rkk;
    for (let j = k + 1; j < d; j++) {
      let t = g[k * stride + j]!;
      for (let i = 0; i < k; i++) t -= r[i * d + k]! * r[i * d + j]!;
      r[k * d + j] = t / rkk;
    }
  }
  return r;
}
