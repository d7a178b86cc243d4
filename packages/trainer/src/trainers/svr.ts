// SVRRegressorTrainer: Kepler's SVR(C=1.0, epsilon=0.2) — scikit-learn's defaults otherwise: RBF kernel,
// gamma='scale' (1 / (features · Var(X')) on the max-abs-scaled matrix), tol 1e-3, shrinking, a 200 MB kernel
// cache — fitted by libsvm's SMO (smo.ts) and exported as the modelshelf-json `svr` kind.
//
// Fit cost grows with the square of the rows (a kernel row per SMO step), so above `maxRows` rows (20,000 by
// default) the trainer fits on a seeded uniform sample of that many rows. Kepler fits on every row; this is a
// deliberate cap so one SVR pipeline cannot hold a training run for hours. Set maxRows to Infinity to disable it.
import { exp } from './exp.ts';
import { exportModelshelfJson, ModelshelfFit } from './modelshelf-fit.ts';
import { shuffledIndices } from './rng.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import { type KernelRows, solveEpsilonSvr } from './smo.ts';
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

/**
 * libsvm's RBF, exp(−γ‖a − b‖²) = exp(−γ‖a‖² − γ‖b‖² + 2γ a·b), with −γ‖·‖² computed once per sample so a kernel
 * row is one dot product and one exp per entry. Classes rather than closures, so every fit calls the same
 * functions and V8's optimised solver stays valid from one fit to the next.
 */
class RbfKernel implements KernelRows {
  protected readonly negGammaSq: Float64Array;
  protected readonly twoGamma: number;

  constructor(
    protected readonly xs: Float64Array,
    protected readonly rows: number,
    protected readonly d: number,
    gamma: number,
  ) {
    this.negGammaSq = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += xs[r * d + c]! ** 2;
      this.negGammaSq[r] = -gamma * s;
    }
    this.twoGamma = 2 * gamma;
  }

  diagonal(): number {
    return 1;
  }

  fillRow(s: number, row: Float64Array): void {
    const { xs, rows, d, negGammaSq, twoGamma } = this;
    const base = negGammaSq[s]!;
    const os = s * d;
    for (let t = 0, ot = 0; t < rows; t++, ot += d) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += xs[os + c]! * xs[ot + c]!;
      row[t] = exp(base + negGammaSq[t]! + twoGamma * dot);
    }
  }
}

/**
 * The RBF kernel for up to four features: samples copied into a zero-padded stride-4 array and the dot product
 * written out, which V8 runs about 1.7× faster than RbfKernel's loop.
 */
class Rbf4Kernel extends RbfKernel {
  private readonly x4: Float64Array;

  constructor(xs: Float64Array, rows: number, d: number, gamma: number) {
    super(xs, rows, d, gamma);
    this.x4 = new Float64Array(rows * 4);
    for (let r = 0; r < rows; r++) this.x4.set(xs.subarray(r * d, r * d + d), r * 4);
  }

  override fillRow(s: number, row: Float64Array): void {
    const { x4, rows, negGammaSq, twoGamma } = this;
    const base = negGammaSq[s]!;
    const a0 = twoGamma * x4[s * 4]!;
    const a1 = twoGamma * x4[s * 4 + 1]!;
    const a2 = twoGamma * x4[s * 4 + 2]!;
    const a3 = twoGamma * x4[s * 4 + 3]!;
    for (let t = 0, o = 0; t < rows; t++, o += 4) {
      const dot = a0 * x4[o]! + a1 * x4[o + 1]! + a2 * x4[o + 2]! + a3 * x4[o + 3]!;
      row[t] = exp(base + negGammaSq[t]! + dot);
    }
  }
}

function rbfKernel(xs: Float64Array, rows: number, d: number, gamma: number): KernelRows {
  return d <= 4 ? new Rbf4Kernel(xs, rows, d, gamma) : new RbfKernel(xs, rows, d, gamma);
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
