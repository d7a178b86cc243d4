// GradientBoostingRegressorTrainer: scikit-learn's GradientBoostingRegressor defaults — squared error, initial
// prediction the mean, 100 trees of depth 3, learning rate 0.1, min_samples_split 2, min_samples_leaf 1,
// subsample 1.0 (so no randomness), friedman_mse splits — on max-abs-scaled features, exact (not histogram) splits.
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
}

export const GRADIENT_BOOSTING_DEFAULTS: GradientBoostingOptions = {
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 3,
  minSamplesSplit: 2,
  minSamplesLeaf: 1,
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
    };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): ModelshelfFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('GradientBoostingRegressorTrainer needs at least one row');
    const o = this.options;
    const scale = maxAbsScale(x);
    const grower = new TreeGrower(new PresortedColumns(applyScale(x, scale), x.rows, x.cols), o);
    const init = mean(y);
    const prediction = new Float64Array(x.rows).fill(init);
    const residual = new Float64Array(x.rows);
    const trees = [];
    for (let t = 0; t < o.nEstimators; t++) {
      for (let r = 0; r < x.rows; r++) residual[r] = y[r]! - prediction[r]!;
      trees.push(grower.grow(residual, prediction, o.learningRate));
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
