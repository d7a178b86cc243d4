// LinearRegressionTrainer: scikit-learn's LinearRegression(positive=True) on max-abs-scaled features —
// non-negative coefficients by NNLS on the centred data, then a free intercept ȳ − x̄·coef. The data is reduced
// to a d × d triangular problem through the normal equations (two passes over the rows), or through QR when
// the Gram matrix is too ill-conditioned for that.
import { exportKeplerWeights, KeplerLinearFit } from './kepler-fit.ts';
import { centredColumns, mean, reduceLeastSquares } from './least-squares.ts';
import { nnls } from './nnls.ts';
import { type CentredNormalEquations, reduceCentredNormalEquations } from './normal-equations.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export class LinearRegressionTrainer implements Trainer {
  readonly name = 'LinearRegressionTrainer';
  readonly hyperParameters = { positive: true, fitIntercept: true, scaler: 'maxabs' };

  fit(x: Matrix, y: Float64Array, options: FitOptions): KeplerLinearFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('LinearRegressionTrainer needs at least one row');
    const scale = maxAbsScale(x);
    const { problem, means, yMean } = reduceCentredNormalEquations(x, scale, y) ?? reduceByQr(x, scale, y);
    const coef = nnls(problem);
    let intercept = yMean;
    for (let c = 0; c < x.cols; c++) intercept -= means[c]! * coef[c]!;
    return new KeplerLinearFit(options.features, scale, intercept, coef);
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportKeplerWeights(this.name, components, options);
  }
}

/** The well-conditioned route: Householder QR of the centred, scaled columns (about d passes over the data). */
function reduceByQr(x: Matrix, scale: Float64Array, y: Float64Array): CentredNormalEquations {
  const { columns, means } = centredColumns(applyScale(x, scale), x.rows, x.cols);
  const yMean = mean(y);
  const yc = y.map((v) => v - yMean);
  return { problem: reduceLeastSquares(columns, yc), means, yMean };
}
