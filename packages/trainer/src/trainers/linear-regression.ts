// LinearRegressionTrainer: scikit-learn's LinearRegression(positive=True) on max-abs-scaled features —
// non-negative coefficients by NNLS on the centred data, then a free intercept ȳ − x̄·coef. The data is reduced
// to a d × d triangular problem through the normal equations on centred columns, or through QR on the same
// columns when the Gram matrix is too ill-conditioned for that.
import { exportKeplerWeights, KeplerLinearFit } from './kepler-fit.ts';
import { reduceLeastSquares } from './least-squares.ts';
import { nnls } from './nnls.ts';
import { centredTarget, reduceCentredColumns, scaledCentredColumns } from './normal-equations.ts';
import { checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export class LinearRegressionTrainer implements Trainer {
  readonly name = 'LinearRegressionTrainer';
  readonly hyperParameters = { positive: true, fitIntercept: true, scaler: 'maxabs' };

  fit(x: Matrix, y: Float64Array, options: FitOptions): KeplerLinearFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('LinearRegressionTrainer needs at least one row');
    const scale = maxAbsScale(x);
    const { columns, means } = scaledCentredColumns(x, scale);
    const { centred, mean: yMean } = centredTarget(y);
    // QR (which overwrites the columns) only when the Gram matrix is too ill-conditioned.
    const problem = reduceCentredColumns(columns, centred) ?? reduceLeastSquares(columns, centred);
    const coef = nnls(problem);
    let intercept = yMean;
    for (let c = 0; c < x.cols; c++) intercept -= means[c]! * coef[c]!;
    return new KeplerLinearFit(options.features, scale, intercept, coef);
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportKeplerWeights(this.name, components, options);
  }
}
