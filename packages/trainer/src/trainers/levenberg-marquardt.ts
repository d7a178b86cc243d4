// Levenberg–Marquardt least squares for small curve models over many points, with analytic Jacobians and
// Marquardt's diagonal scaling. Stopping rules follow MINPACK's lmder as used by scipy.optimize.curve_fit:
// relative reduction of the sum of squares ≤ ftol, relative step ≤ xtol, or the evaluation budget (maxfev).
//
// ml-levenberg-marquardt was tried first: it accepts steps that increase the error, stops on an absolute SSE
// tolerance, and allocates one object per point per iteration (≈4 s per iteration on 200k points), so the
// loop here works on typed arrays and rejects bad steps like MINPACK.
import { CholeskyDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';

/**
 * A curve as the solver sees it: whole passes over the data. Passes rather than one call per point, because
 * the passes are the fit's hot loops and a model can then compute each point's transcendental once, inline,
 * and sum in locals (see pointwiseCurve for a model given point by point).
 */
export interface CurveModel {
  /** Number of parameters. */
  size: number;
  /** Σ (yᵢ − f(p, xᵢ))². */
  sumOfSquares(p: Float64Array, x: Float64Array, y: Float64Array): number;
  /** Writes JᵀJ (upper triangle at least, row-major m × m) and Jᵀr, r = y − f(p, x), at p. */
  normalEquations(
    p: Float64Array,
    x: Float64Array,
    y: Float64Array,
    jtj: Float64Array,
    jtr: Float64Array,
  ): void;
}

/** A curve given as its value and gradient at one point. */
export interface PointwiseCurve {
  size: number;
  value(p: Float64Array, x: number): number;
  /** Writes ∂f/∂p_j at x into grad. */
  gradient(p: Float64Array, x: number, grad: Float64Array): void;
}

/** The passes of a curve given point by point (the general, slower form). */
export function pointwiseCurve(curve: PointwiseCurve): CurveModel {
  const m = curve.size;
  const grad = new Float64Array(m);
  return {
    size: m,
    sumOfSquares(p, x, y) {
      let s = 0;
      for (let i = 0; i < x.length; i++) {
        const r = y[i]! - curve.value(p, x[i]!);
        s += r * r;
      }
      return s;
    },
    normalEquations(p, x, y, jtj, jtr) {
      jtj.fill(0);
      jtr.fill(0);
      for (let i = 0; i < x.length; i++) {
        curve.gradient(p, x[i]!, grad);
        const r = y[i]! - curve.value(p, x[i]!);
        for (let a = 0; a < m; a++) {
          const ga = grad[a]!;
          jtr[a] = jtr[a]! + ga * r;
          for (let b = a; b < m; b++) jtj[a * m + b] = jtj[a * m + b]! + ga * grad[b]!;
        }
      }
    },
  };
}

export interface LmOptions {
  ftol: number;
  xtol: number;
  /** Budget of model evaluations over the whole data set (Kepler passes maxfev=20000 to curve_fit). */
  maxfev: number;
}

export const LM_DEFAULTS: LmOptions = { ftol: 1.49012e-8, xtol: 1.49012e-8, maxfev: 20000 };

export interface LmResult {
  params: Float64Array;
  sse: number;
  evaluations: number;
}

function sumOfSquares(model: CurveModel, p: Float64Array, x: Float64Array, y: Float64Array): number {
  const s = model.sumOfSquares(p, x, y);
  return Number.isFinite(s) ? s : Number.POSITIVE_INFINITY;
}

export function levenbergMarquardt(
  model: CurveModel,
  x: Float64Array,
  y: Float64Array,
  initial: ArrayLike<number>,
  options: Partial<LmOptions> = {},
): LmResult {
  const { ftol, xtol, maxfev } = { ...LM_DEFAULTS, ...options };
  const m = model.size;
  let p = Float64Array.from(initial);
  let sse = sumOfSquares(model, p, x, y);
  if (!Number.isFinite(sse)) {
    throw new RangeError(
      `curve fit: the initial parameters [${Array.from(p).join(', ')}] give non-finite predictions`,
    );
  }
  let evaluations = 1;
  let lambda = 1e-3;
  const jtj = new Float64Array(m * m);
  const jtr = new Float64Array(m);
  while (evaluations < maxfev) {
    model.normalEquations(p, x, y, jtj, jtr);
    // MINPACK (scipy's default, finite differences) pays m evaluations per Jacobian: budget the same way.
    evaluations += m;
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) jtj[a * m + b] = jtj[b * m + a]!;
    // Inner loop: raise the damping until a step lowers the sum of squares.
    let accepted = false;
    let converged = false;
    while (evaluations < maxfev) {
      const step = solveDamped(jtj, jtr, m, lambda);
      const trial = p.map((v, j) => v + step[j]!);
      const trialSse = sumOfSquares(model, trial, x, y);
      evaluations++;
      let stepNorm = 0;
      let pNorm = 0;
      for (let j = 0; j < m; j++) {
        stepNorm += step[j]! * step[j]!;
        pNorm += p[j]! * p[j]!;
      }
      if (trialSse < sse) {
        const reduction = (sse - trialSse) / Math.max(sse, Number.MIN_VALUE);
        p = trial;
        sse = trialSse;
        lambda = Math.max(lambda / 3, 1e-12);
        accepted = true;
        converged = reduction <= ftol || Math.sqrt(stepNorm) <= xtol * (Math.sqrt(pNorm) + xtol);
        break;
      }
      if (Math.sqrt(stepNorm) <= xtol * (Math.sqrt(pNorm) + xtol)) {
        converged = true;
        break;
      }
      lambda = Math.min(lambda * 4, 1e16);
    }
    if (converged || !accepted) break;
  }
  return { params: p, sse, evaluations };
}

/** Solves (JᵀJ + λ·diag(JᵀJ)) δ = Jᵀr; the diagonal floor keeps a flat direction from making it singular. */
function solveDamped(jtj: Float64Array, jtr: Float64Array, m: number, lambda: number): Float64Array {
  const a = new Matrix(m, m);
  let maxDiag = 0;
  for (let i = 0; i < m; i++) maxDiag = Math.max(maxDiag, jtj[i * m + i]!);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) a.set(i, j, jtj[i * m + j]!);
    const d = Math.max(jtj[i * m + i]!, 1e-12 * maxDiag, Number.MIN_VALUE);
    a.set(i, i, jtj[i * m + i]! + lambda * d);
  }
  const b = Matrix.columnVector(Array.from(jtr));
  const chol = new CholeskyDecomposition(a);
  const sol = chol.isPositiveDefinite() ? chol.solve(b) : new SingularValueDecomposition(a).solve(b);
  return Float64Array.from(sol.getColumn(0));
}
