// KNeighborsRegressorTrainer: scikit-learn's KNeighborsRegressor(n_neighbors=6, weights="uniform") with
// Euclidean distance on max-abs-scaled features. "Fitting" keeps the scaled rows and targets; queries go through
// an exact k-d tree. The export carries every training row, so its size grows with the training set.
import { exportModelshelfJson, ModelshelfFit } from './modelshelf-fit.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export class KNeighborsRegressorTrainer implements Trainer {
  readonly name = 'KNeighborsRegressorTrainer';
  readonly hyperParameters: { nNeighbors: number; weights: string; metric: string; scaler: string };

  constructor(readonly nNeighbors = 6) {
    if (!Number.isInteger(nNeighbors) || nNeighbors < 1) {
      throw new RangeError(`nNeighbors must be a positive integer, got ${nNeighbors}`);
    }
    this.hyperParameters = { nNeighbors, weights: 'uniform', metric: 'euclidean', scaler: 'maxabs' };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): ModelshelfFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < this.nNeighbors) {
      throw new RangeError(
        `KNeighborsRegressorTrainer needs at least k = ${this.nNeighbors} rows, got ${x.rows}`,
      );
    }
    const scale = maxAbsScale(x);
    return ModelshelfFit.of({
      kind: 'knn',
      features: [...options.features],
      scale,
      k: this.nNeighbors,
      points: applyScale(x, scale),
      component: { targets: Float64Array.from(y) },
    });
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportModelshelfJson(this.name, components, options);
  }
}
