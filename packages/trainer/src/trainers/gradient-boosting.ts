// GradientBoostingRegressorTrainer: scikit-learn's GradientBoostingRegressor defaults — squared error, initial
// prediction the mean, 100 trees of depth 3, learning rate 0.1, min_samples_split 2, min_samples_leaf 1,
// subsample 1.0 (so no randomness), friedman_mse splits — on max-abs-scaled features.
//
// Split search: 'exact' (scikit-learn's GradientBoostingRegressor: every midpoint between distinct values) or
// 'hist' (as scikit-learn's HistGradientBoostingRegressor: ≤ 255 bins per feature at its binner's thresholds,
// built once, rows partitioned per node and the smaller child's histogram built, see hist-tree.ts — same
// squared-error gain, far less work per tree on large tables). The default
// 'auto' is exact up to 10,000 rows, where it costs little and reproduces scikit-learn's trees, and hist above.
// Both export the same `gradient-boosting` kind (split left when x' <= threshold).
import { binColumns, HistBooster } from './hist-tree.ts';
import { mean } from './least-squares.ts';
import { exportModelshelfJson, ModelshelfFit } from './modelshelf-fit.ts';
import { PresortedColumns, TreeGrower } from './regression-tree.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export interface GradientBoostingOptions {
  nEstimators: number;
  learningRate: number;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  method: 'auto' | 'exact' | 'hist';
  /** Bins per feature in hist mode (scikit-learn's HistGradientBoostingRegressor uses 255). */
  maxBins: number;
}

/** Rows above which 'auto' switches from exact to histogram splits. */
export const HIST_AUTO_ROWS = 10_000;

export const GRADIENT_BOOSTING_DEFAULTS: GradientBoostingOptions = {
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 3,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
  method: 'auto',
  maxBins: 255,
};

export class GradientBoostingRegressorTrainer implements Trainer {
  readonly name = 'GradientBoostingRegressorTrainer';
  readonly hyperParameters: Record<string, unknown>;
  private readonly options: GradientBoostingOptions;

  constructor(options: Partial<GradientBoostingOptions> = {}) {
    this.options = { ...GRADIENT_BOOSTING_DEFAULTS, ...options };
    this.hyperParameters = {
      ...this.options,
      loss: 'squared_error',
      criterion: 'friedman_mse',
      subsample: 1,
      scaler: 'maxabs',
      histAutoRows: HIST_AUTO_ROWS,
    };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): ModelshelfFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('GradientBoostingRegressorTrainer needs at least one row');
    const o = this.options;
    const scale = maxAbsScale(x);
    const xs = applyScale(x, scale);
    const init = mean(y);
    const prediction = new Float64Array(x.rows).fill(init);
    const trees = [];
    const hist = o.method === 'hist' || (o.method === 'auto' && x.rows > HIST_AUTO_ROWS);
    if (hist) {
      const booster = new HistBooster(binColumns(xs, x.rows, x.cols, o.maxBins, 'sklearn'), {
        maxDepth: o.maxDepth,
        lambda: 0,
        gamma: 0,
        minSplitGain: 0,
        minChildWeight: Math.max(o.minSamplesLeaf, 1),
        leafScale: 1,
        updateScale: o.learningRate,
        float32Leaves: false,
      });
      // Gradient of ½(y − f)² is f − y; the leaf value −ΣG/n is then the mean residual.
      for (const tree of booster.boost(y, prediction, o.nEstimators)) {
        trees.push({
          feature: tree.feature,
          threshold: tree.threshold,
          left: tree.left,
          right: tree.right,
          value: tree.value,
        });
      }
    } else {
      const grower = new TreeGrower(new PresortedColumns(xs, x.rows, x.cols), o);
      const residual = new Float64Array(x.rows);
      for (let t = 0; t < o.nEstimators; t++) {
        for (let r = 0; r < x.rows; r++) residual[r] = y[r]! - prediction[r]!;
        trees.push(grower.grow(residual, prediction, o.learningRate));
      }
    }
    return ModelshelfFit.of({
      kind: 'gradient-boosting',
      features: [...options.features],
      scale,
      component: { init, learningRate: o.learningRate, trees },
    });
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportModelshelfJson(this.name, components, options);
  }
}
