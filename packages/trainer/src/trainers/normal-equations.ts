// Least squares for tall, narrow data (many rows, a handful of features) through the normal equations:
// two cheap passes over the rows (means, then the centred Gram matrix XᵀX and Xᵀy) and a Cholesky factor
// G = RᵀR turn the data into the same small triangular problem ‖R z − c‖ (c = R⁻ᵀXᵀy) that a QR pass gives,
// at a fraction of the cost: QR needs about d passes over the data, this needs two whatever d is.
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
  const { rows: n, cols: d, data } = x;
  const inv = scale.map((s) => (s === 0 ? 0 : 1 / s));
  const means = new Float64Array(d);
  let yMean = 0;
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let c = 0; c < d; c++) means[c] = means[c]! + data[o + c]! * inv[c]!;
    yMean += y[r]!;
  }
  if (n > 0) {
    for (let c = 0; c < d; c++) means[c] = means[c]! / n;
    yMean /= n;
  }
  // Centring before the products (rather than subtracting n·x̄x̄ᵀ afterwards) avoids cancellation when a
  // column varies little around a large mean.
  const gram = new Float64Array(d * d);
  const xty = new Float64Array(d);
  const row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let c = 0; c < d; c++) row[c] = data[o + c]! * inv[c]! - means[c]!;
    const yc = y[r]! - yMean;
    for (let a = 0; a < d; a++) {
      const va = row[a]!;
      xty[a] = xty[a]! + va * yc;
      const base = a * d;
      for (let b = a; b < d; b++) gram[base + b] = gram[base + b]! + va * row[b]!;
    }
  }
  const rFactor = cholesky(gram, d);
  if (!rFactor) return null;
  // c = R⁻ᵀ Xᵀy by forward substitution (Rᵀ is lower triangular); a zeroed row contributes nothing.
  const c = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = xty[i]!;
    for (let k = 0; k < i; k++) s -= rFactor[k * d + i]! * c[k]!;
    const rii = rFactor[i * d + i]!;
    c[i] = rii === 0 ? 0 : s / rii;
  }
  const r = new MlMatrix(d, d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) r.set(i, j, rFactor[i * d + j]!);
  return { problem: { r, qtb: c }, means, yMean };
}

/**
 * Upper-triangular R with RᵀR = G (G's upper triangle is read, row-major d × d). An all-zero column (a feature
 * with scale 0) gets a zero row, as QR would give it; any other pivot that loses too much is a null.
 */
function cholesky(g: Float64Array, d: number): Float64Array | null {
  const r = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const gkk = g[k * d + k]!;
    let s = gkk;
    for (let i = 0; i < k; i++) s -= r[i * d + k]! * r[i * d + k]!;
    if (gkk === 0) continue;
    if (!(s > MIN_RELATIVE_PIVOT * gkk)) return null;
    const rkk = Math.sqrt(s);
    r[k * d + k] = rkk;
    for (let j = k + 1; j < d; j++) {
      let t = g[k * d + j]!;
      for (let i = 0; i < k; i++) t -= r[i * d + k]! * r[i * d + j]!;
      r[k * d + j] = t / rkk;
    }
  }
  return r;
}
