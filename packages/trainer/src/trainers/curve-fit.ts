// Kepler's curve-fit trainers: one curve over one feature scaled by its max-abs value — the feature group's
// main feature for the component, as kepler-model-server's trainer fits and its sidecar serves it (the
// first feature in sorted order when the features fit no known group). The runtime divides by the scale
// before evaluating the curve, so the fit happens on the scaled value too.
// Initial guesses are Kepler's own p0 functions; the fit is least squares within Kepler's maxfev of 20000, as
// scipy.optimize.curve_fit does for Kepler. The logistic curve goes through Levenberg–Marquardt; the exponential
// and logarithmic curves are linear in a and c, so they are fitted by variable projection over b alone (the
// same least-squares problem, without LM's thousands of evaluations along their ill-conditioned a·b valley).
import {
  type CurveKind,
  curveColumn,
  curveValue,
  exportKeplerWeights,
  KeplerCurveFit,
} from './kepler-fit.ts';
import { type CurveModel, levenbergMarquardt } from './levenberg-marquardt.ts';
import { checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';
import { fitProjected, type ProjectedCurve } from './variable-projection.ts';

const MODELS: Record<CurveKind, CurveModel> = {
  logarithmic: {
    size: 3,
    value: (p, x) => curveValue('logarithmic', p, x),
    gradient(p, x, g) {
      const u = p[1]! * x + 1;
      g[0] = Math.log(u);
      g[1] = (p[0]! * x) / u;
      g[2] = 1;
    },
  },
  exponential: {
    size: 3,
    value: (p, x) => curveValue('exponential', p, x),
    gradient(p, x, g) {
      const e = Math.exp(p[1]! * x);
      g[0] = e;
      g[1] = p[0]! * x * e;
      g[2] = 1;
    },
  },
  logistic: {
    size: 4,
    value: (p, x) => curveValue('logistic', p, x),
    gradient(p, x, g) {
      MODELS.logistic.valueAndGradient!(p, x, g);
    },
    valueAndGradient(p, x, g) {
      // The same expression as curveValue('logistic'), so the returned value is bit-identical to it.
      const e = Math.exp(-p[2]! * (x - p[1]!));
      const s = 1 / (1 + e);
      const ds = s * (1 - s);
      g[0] = s;
      g[1] = -p[0]! * p[2]! * ds;
      g[2] = p[0]! * (x - p[1]!) * ds;
      g[3] = 1;
      return 0 + p[0]! / (1 + e) + p[3]!;
    },
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
    const model = MODELS[this.kind];
    if (x.rows < model.size) {
      throw new RangeError(
        `${this.name} needs at least ${model.size} rows to fit ${model.size} parameters, got ${x.rows}`,
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
    const { params } = levenbergMarquardt(model, x0, y, initial);
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
