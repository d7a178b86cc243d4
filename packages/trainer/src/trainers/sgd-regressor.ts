// SGDRegressorTrainer (Kepler's default model): scikit-learn's SGDRegressor defaults on max-abs-scaled
// features — squared loss, L2 penalty alpha 1e-4, invscaling learning rate eta0 / t^0.25 with eta0 0.01,
// up to 1000 epochs, stop after 5 epochs whose summed loss does not improve by tol·n (tol 1e-3), rows
// shuffled every epoch with the seeded RNG. Exported as Kepler weights, which Kepler evaluates as linear.
import { exportKeplerWeights, KeplerLinearFit } from './kepler-fit.ts';
import { Rng } from './rng.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export interface SgdOptions {
  alpha: number;
  eta0: number;
  powerT: number;
  maxIter: number;
  tol: number;
  nIterNoChange: number;
}

export const SGD_DEFAULTS: SgdOptions = {
  alpha: 1e-4,
  eta0: 0.01,
  powerT: 0.25,
  maxIter: 1000,
  tol: 1e-3,
  nIterNoChange: 5,
};

/** scikit-learn clips the loss derivative to keep a single outlier from blowing up the weights. */
const MAX_DLOSS = 1e12;

export class SGDRegressorTrainer implements Trainer {
  readonly name = 'SGDRegressorTrainer';
  readonly hyperParameters: Record<string, unknown>;
  private readonly options: SgdOptions;

  constructor(options: Partial<SgdOptions> = {}) {
    this.options = { ...SGD_DEFAULTS, ...options };
    this.hyperParameters = {
      ...this.options,
      loss: 'squared_error',
      penalty: 'l2',
      learningRate: 'invscaling',
      scaler: 'maxabs',
    };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): KeplerLinearFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('SGDRegressorTrainer needs at least one row');
    const { alpha, eta0, powerT, maxIter, tol, nIterNoChange } = this.options;
    const scale = maxAbsScale(x);
    const xs = applyScale(x, scale);
    const d = x.cols;
    const n = x.rows;
    const rng = new Rng(options.seed);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    // w is stored as wscale · v so that the L2 shrink is O(1) per sample, as scikit-learn's WeightVector does.
    const v = new Float64Array(d);
    let wscale = 1;
    let intercept = 0;
    let t = 1;
    let bestLoss = Number.POSITIVE_INFINITY;
    let noImprovement = 0;
    // eta = eta0 / t^powerT once per sample: a general power costs several times a square root, and the
    // default power 0.25 is two of them.
    const quarterPower = powerT === 0.25;
    for (let epoch = 0; epoch < maxIter; epoch++) {
      rng.shuffle(order);
      let sumLoss = 0;
      for (let s = 0; s < n; s++) {
        const row = order[s]!;
        const o = row * d;
        const eta = quarterPower ? eta0 / Math.sqrt(Math.sqrt(t)) : eta0 / t ** powerT;
        let dot = 0;
        for (let c = 0; c < d; c++) dot += v[c]! * xs[o + c]!;
        const p = dot * wscale + intercept;
        const err = p - y[row]!;
        sumLoss += 0.5 * err * err;
        const update = -eta * Math.min(Math.max(err, -MAX_DLOSS), MAX_DLOSS);
        wscale *= Math.max(0, 1 - eta * alpha);
        if (update !== 0) {
          const step = update / wscale;
          for (let c = 0; c < d; c++) v[c] = v[c]! + step * xs[o + c]!;
          intercept += update;
        }
        if (wscale < 1e-9) {
          for (let c = 0; c < d; c++) v[c] = v[c]! * wscale;
          wscale = 1;
        }
        t++;
      }
      if (sumLoss > bestLoss - tol * n) noImprovement++;
      else noImprovement = 0;
      if (sumLoss < bestLoss) bestLoss = sumLoss;
      if (noImprovement >= nIterNoChange) break;
    }
    const weights = v.map((w) => w * wscale);
    return new KeplerLinearFit(options.features, scale, intercept, weights);
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportKeplerWeights(this.name, components, options);
  }
}
