// SVRRegressorTrainer: Kepler's SVR(C=1.0, epsilon=0.2) — scikit-learn's defaults otherwise: RBF kernel,
// gamma='scale' (1 / (features · Var(X')) on the max-abs-scaled matrix), tol 1e-3, shrinking, a 200 MB kernel
// cache — fitted by libsvm's SMO (smo.ts) and exported as the modelshelf-json `svr` kind.
//
// Fit cost grows with the square of the rows (a kernel row per SMO step), so above `maxRows` rows (20,000 by
// default) the trainer fits on a seeded uniform sample of that many rows. Kepler fits on every row; this is a
// deliberate cap so one SVR pipeline cannot hold a training run for hours. Set maxRows to Infinity to disable it.
import { exportModelshelfJson, ModelshelfFit } from './modelshelf-fit.ts';
import { shuffledIndices } from './rng.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import { type KernelFn, solveEpsilonSvr } from './smo.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export interface SvrOptions {
  C: number;
  epsilon: number;
  /** A number, or 'scale' (scikit-learn's default) resolved on the training matrix. */
  gamma: number | 'scale';
  tol: number;
  cacheMb: number;
  shrinking: boolean;
  maxRows: number;
}

/** Kepler's SVRRegressorTrainer: SVR(C=1.0, epsilon=0.2); the rest are scikit-learn's defaults. */
export const SVR_DEFAULTS: SvrOptions = {
  C: 1,
  epsilon: 0.2,
  gamma: 'scale',
  tol: 1e-3,
  cacheMb: 200,
  shrinking: true,
  maxRows: 20_000,
};

/** scikit-learn's gamma='scale': 1 / (n_features · X.var()) over every entry, 1 when the variance is 0. */
export function scaleGamma(xs: Float64Array, cols: number): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  const mean = sum / xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i]! - mean) ** 2;
  const variance = ss / xs.length;
  return variance === 0 ? 1 : 1 / (cols * variance);
}

/** libsvm's RBF: exp(−γ(‖a‖² + ‖b‖² − 2a·b)) with the squared norms computed once. */
function rbfKernel(xs: Float64Array, rows: number, d: number, gamma: number): KernelFn {
  const sq = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += xs[r * d + c]! ** 2;
    sq[r] = s;
  }
  if (d === 1) return (a, b) => Math.exp(-gamma * (sq[a]! + sq[b]! - 2 * xs[a]! * xs[b]!));
  return (a, b) => {
    let dot = 0;
    const oa = a * d;
    const ob = b * d;
    for (let c = 0; c < d; c++) dot += xs[oa + c]! * xs[ob + c]!;
    return Math.exp(-gamma * (sq[a]! + sq[b]! - 2 * dot));
  };
}

export class SVRRegressorTrainer implements Trainer {
  readonly name = 'SVRRegressorTrainer';
  readonly hyperParameters: Record<string, unknown>;
  private readonly options: SvrOptions;

  constructor(options: Partial<SvrOptions> = {}) {
    this.options = { ...SVR_DEFAULTS, ...options };
    const o = this.options;
    if (!(o.C > 0)) throw new RangeError(`SVR C must be > 0, got ${o.C}`);
    if (!(o.epsilon >= 0)) throw new RangeError(`SVR epsilon must be >= 0, got ${o.epsilon}`);
    if (o.gamma !== 'scale' && !(o.gamma > 0)) {
      throw new RangeError(`SVR gamma must be > 0 or 'scale', got ${o.gamma}`);
    }
    if (!(o.maxRows >= 2)) throw new RangeError(`SVR maxRows must be >= 2, got ${o.maxRows}`);
    this.hyperParameters = { ...o, kernel: 'rbf', scaler: 'maxabs' };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): ModelshelfFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('SVRRegressorTrainer needs at least one row');
    const o = this.options;
    const d = x.cols;
    const scale = maxAbsScale(x);
    let xs = applyScale(x, scale);
    let target = y;
    if (x.rows > o.maxRows) {
      const keep = shuffledIndices(x.rows, options.seed).subarray(0, o.maxRows).sort();
      const sx = new Float64Array(keep.length * d);
      keep.forEach((r, i) => {
        sx.set(xs.subarray(r * d, r * d + d), i * d);
      });
      xs = sx;
      target = Float64Array.from(keep, (r) => y[r]!);
    }
    const rows = target.length;
    const gamma = o.gamma === 'scale' ? scaleGamma(xs, d) : o.gamma;
    const { coef, rho } = solveEpsilonSvr(target, rbfKernel(xs, rows, d, gamma), {
      C: o.C,
      epsilon: o.epsilon,
      tol: o.tol,
      cacheBytes: o.cacheMb * 1024 * 1024,
      shrinking: o.shrinking,
    });
    let nSv = 0;
    for (let i = 0; i < rows; i++) if (coef[i] !== 0) nSv++;
    const dualCoef = new Float64Array(nSv);
    const supportVectors = new Float64Array(nSv * d);
    for (let i = 0, k = 0; i < rows; i++) {
      if (coef[i] === 0) continue;
      dualCoef[k] = coef[i]!;
      supportVectors.set(xs.subarray(i * d, i * d + d), k * d);
      k++;
    }
    return ModelshelfFit.of({
      kind: 'svr',
      features: [...options.features],
      scale,
      component: { kernel: 'rbf', gamma, coef0: 0, degree: 3, intercept: -rho, dualCoef, supportVectors },
    });
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportModelshelfJson(this.name, components, options);
  }
}
