// Non-negative least squares, Lawson & Hanson (1974) active-set method, on the reduced problem
// min ‖R z − c‖ with z ≥ 0 — the same problem scipy.optimize.nnls solves for
// scikit-learn's LinearRegression(positive=True).
import { type ReducedProblem, solveReduced } from './least-squares.ts';

export function nnls(p: ReducedProblem, maxIterations = 30 * p.r.columns): Float64Array {
  const d = p.r.columns;
  const z = new Float64Array(d);
  const passive = new Uint8Array(d);
  let rNorm = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) rNorm = Math.max(rNorm, Math.abs(p.r.get(i, j)));
  let cNorm = 0;
  for (let i = 0; i < d; i++) cNorm = Math.max(cNorm, Math.abs(p.qtb[i]!));
  // A gradient entry below rounding noise of Rᵀc is not a reason to free a variable.
  const tol = 10 * Number.EPSILON * Math.max(d, 1) * rNorm * cNorm;
  let w = gradient(p, z);
  for (let iter = 0; iter < maxIterations; iter++) {
    let t = -1;
    for (let j = 0; j < d; j++) if (!passive[j] && w[j]! > tol && (t < 0 || w[j]! > w[t]!)) t = j;
    if (t < 0) break;
    passive[t] = 1;
    for (;;) {
      const cols = indices(passive);
      const sP = solveReduced(p, cols);
      const s = new Float64Array(d);
      cols.forEach((c, i) => {
        s[c] = sP[i]!;
      });
      if (cols.every((c) => s[c]! > 0)) {
        z.set(s);
        break;
      }
      // Step from z towards s as far as feasibility allows, then drop the variables that hit zero.
      let alpha = 1;
      for (const c of cols) if (s[c]! <= 0) alpha = Math.min(alpha, z[c]! / (z[c]! - s[c]!));
      for (let j = 0; j < d; j++) z[j] = z[j]! + alpha * (s[j]! - z[j]!);
      let zMax = 0;
      for (const c of cols) zMax = Math.max(zMax, Math.abs(z[c]!));
      for (const c of cols) {
        if (z[c]! <= 10 * Number.EPSILON * zMax) {
          z[c] = 0;
          passive[c] = 0;
        }
      }
      if (!passive.some((v) => v === 1)) break;
    }
    w = gradient(p, z);
  }
  return z;
}

/** Rᵀ(c − R z): the negative gradient of ½‖R z − c‖². */
function gradient(p: ReducedProblem, z: Float64Array): Float64Array {
  const d = p.r.columns;
  const resid = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = p.qtb[i]!;
    for (let j = 0; j < d; j++) s -= p.r.get(i, j) * z[j]!;
    resid[i] = s;
  }
  const w = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += p.r.get(i, j) * resid[i]!;
    w[j] = s;
  }
  return w;
}

function indices(mask: Uint8Array): number[] {
  const out: number[] = [];
  mask.forEach((v, i) => {
    if (v) out.push(i);
  });
  return out;
}
