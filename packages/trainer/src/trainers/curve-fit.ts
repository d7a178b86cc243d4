// Kepler's curve-fit trainers: one curve over one feature scaled by its max-abs value — the feature group's
// main feature for the component, as kepler-model-server's trainer fits and its sidecar serves it (the
// first feature in sorted order when the features fit no known group). The runtime divides by the scale
// before evaluating the curve, so the fit happens on the scaled value too.
// Initial guesses are Kepler's own p0 functions; the fit is least squares within Kepler's maxfev of 20000, as
// scipy.optimize.curve_fit does for Kepler. The logistic curve goes through Levenberg–Marquardt; the exponential
// and logarithmic curves are linear in a and c, so they are fitted by variable projection over b alone (the
// same least-squares problem, without LM's thousands of evaluations along their ill-conditioned a·b valley).
import { type CurveKind, curveColumn, exportKeplerWeights, KeplerCurveFit } from './kepler-fit.ts';
import { type CurveModel, levenbergMarquardt } from './levenberg-marquardt.ts';
import { checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';
import { fitProjected, type ProjectedCurve } from './variable-projection.ts';

/** Parameters per curve (a fit needs at least as many rows). */
const PARAMETERS: Record<CurveKind, number> = { logarithmic: 3, exponential: 3, logistic: 4 };

/**
 * The logistic curve A / (1 + e^(−k(x − x₀))) + off for Levenberg–Marquardt, as two inline passes (one exp per
 * point, sums in locals). Each value is the same expression as curveValue('logistic') and each sum runs in
 * point order, so the fit is what a point-by-point evaluation gives, bit for bit.
 */
const LOGISTIC: CurveModel = {
  size: 4,
  sumOfSquares(p, x, y) {
    const [a, x0, k, off] = [p[0]!, p[1]!, p[2]!, p[3]!];
    let sse = 0;
    for (let i = 0; i < x.length; i++) {
      const r = y[i]! - (0 + a / (1 + Math.exp(-k * (x[i]! - x0))) + off);
      sse += r * r;
    }
    return sse;
  },
  normalEquations(p, x, y, jtj, jtr) {
    const [a, x0, k, off] = [p[0]!, p[1]!, p[2]!, p[3]!];
    let [r0, r1, r2, r3] = [0, 0, 0, 0];
    let [s00, s01, s02, s03, s11, s12, s13, s22, s23, s33] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < x.length; i++) {
      const dx = x[i]! - x0;
      const e = Math.exp(-k * dx);
      const s = 1 / (1 + e);
      const ds = s * (1 - s);
      const g0 = s;
      const g1 = -a * k * ds;
      const g2 = a * dx * ds;
      const r = y[i]! - (0 + a / (1 + e) + off);
      r0 += g0 * r;
      r1 += g1 * r;
      r2 += g2 * r;
      r3 += r;
      s00 += g0 * g0;
      s01 += g0 * g1;
      s02 += g0 * g2;
      s03 += g0;
      s11 += g1 * g1;
      s12 += g1 * g2;
      s13 += g1;
      s22 += g2 * g2;
      s23 += g2;
      s33 += 1;
    }
    jtj.set([s00, s01, s02, s03, 0, s11, s12, s13, 0, 0, s22, s23, 0, 0, 0, s33]);
    jtr.set([r0, r1, r2, r3]);
  },
};

/**
 * The exponential and logarithmic curves as α·u(b, x) + γ, with u scaled by 1/b so it tends to x as b → 0:
 * a·e^(bx) + c = (a·b)·expm1(bx)/b + (a + c) and a·ln(bx + 1) + c = (a·b)·log1p(bx)/b + c.
 */
const PROJECTED: Partial<
  Record<CurveKind, ProjectedCurve & { params(b: number, alpha: number, gamma: number): number[] }>
> = {
  exponential: {
    basis: (b, x) => (b === 0 ? x : Math.expm1(b * x) / b),
    // b·∂/∂b of expm1(bx)/b = x·e^(bx) − u, and e^(bx) = b·u + 1.
    slope: (b, x, u) => x * (b * u + 1) - u,
    params: (b, alpha, gamma) => [alpha / b, b, gamma - alpha / b],
  },
  logarithmic: {
    basis: (b, x) => (b === 0 ? x : Math.log1p(b * x) / b),
    // b·∂/∂b of log1p(bx)/b = x/(1 + bx) − u.
    slope: (b, x, u) => x / (1 + b * x) - u,
    params: (b, alpha, gamma) => [alpha / b, b, gamma],
  },
};

function range(y: Float64Array): { min: number; max: number; std: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const v of y) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / y.length;
  let sq = 0;
  for (const v of y) sq += (v - mean) * (v - mean);
  return { min, max, std: Math.sqrt(sq / y.length) };
}

/** Kepler's p0 functions (kepler-model-server trainers), with guards where they would start on a flat direction. */
export function keplerInitialGuess(kind: CurveKind, y: Float64Array): number[] {
  const { min, max, std } = range(y);
  const span = max - min;
  switch (kind) {
    case 'logarithmic':
      return [span, 1, min];
    case 'exponential': {
      // Kepler floors span / e; a zero scale would leave b without gradient, so fall back to the exact ratio.
      const a = Math.floor(span / Math.E) || span / Math.E || 1;
      return [a, 1, min - a];
    }
    case 'logistic':
      return [span, 0.5, std > 0 ? span / std : 1, min];
  }
}

abstract class CurveFitTrainer implements Trainer {
  abstract readonly name: string;
  readonly hyperParameters: Record<string, unknown>;

  constructor(readonly kind: CurveKind) {
    this.hyperParameters = {
      curve: kind,
      feature: "the feature group's main feature (Kepler's main_feature), else the first in sorted order",
      maxfev: 20000,
      scaler: 'maxabs',
    };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): KeplerCurveFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    const size = PARAMETERS[this.kind];
    if (x.rows < size) {
      throw new RangeError(
        `${this.name} needs at least ${size} rows to fit ${size} parameters, got ${x.rows}`,
      );
    }
    const scale = maxAbsScale(x);
    const col = curveColumn(options.features, options.component);
    const s = scale[col]!;
    const x0 = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) x0[r] = s === 0 ? 0 : x.data[r * x.cols + col]! / s;
    const initial = keplerInitialGuess(this.kind, y);
    const projected = PROJECTED[this.kind];
    if (projected) {
      const fit = fitProjected(projected, x0, y, initial[1]!);
      const params = Float64Array.from(projected.params(fit.b, fit.alpha, fit.gamma));
      return new KeplerCurveFit(this.kind, options.features, scale, params, col);
    }
    const { params } = levenbergMarquardt(LOGISTIC, x0, y, initial);
    return new KeplerCurveFit(this.kind, options.features, scale, params, col);
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportKeplerWeights(this.name, components, options);
  }
}

export class LogarithmicRegressionTrainer extends CurveFitTrainer {
  readonly name = 'LogarithmicRegressionTrainer';
  constructor() {
    super('logarithmic');
  }
}

export class ExponentialRegressionTrainer extends CurveFitTrainer {
  readonly name = 'ExponentialRegressionTrainer';
  constructor() {
    super('exponential');
  }
}

export class LogisticRegressionTrainer extends CurveFitTrainer {
  readonly name = 'LogisticRegressionTrainer';
  constructor() {
    super('logistic');
  }
}
