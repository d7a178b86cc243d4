// PolynomialRegressionTrainer: scikit-learn's PolynomialFeatures(degree=2) + LinearRegression() (ordinary least
// squares with an intercept) on max-abs-scaled features, solved by Householder QR on the centred design.
import { polynomialTerms } from '../../../loader/src/formats/modelshelf-json.ts';
import { centredColumns, mean, reduceLeastSquares, solveReduced } from './least-squares.ts';
import { exportModelshelfJson, ModelshelfFit } from './modelshelf-fit.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export class PolynomialRegressionTrainer implements Trainer {
  readonly name = 'PolynomialRegressionTrainer';
  readonly hyperParameters: { degree: number; scaler: string };

  constructor(readonly degree = 2) {
    this.hyperParameters = { degree, scaler: 'maxabs' };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): ModelshelfFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('PolynomialRegressionTrainer needs at least one row');
    const scale = maxAbsScale(x);
    const xs = applyScale(x, scale);
    const terms = polynomialTerms(x.cols, this.degree);
    const design = new Float64Array(x.rows * terms.length);
    for (let r = 0; r < x.rows; r++) {
      terms.forEach((term, t) => {
        let v = 1;
        for (const f of term) v *= xs[r * x.cols + f]!;
        design[r * terms.length + t] = v;
      });
    }
    const { columns, means } = centredColumns(design, x.rows, terms.length);
    const yMean = mean(y);
    const coef = solveReduced(
      reduceLeastSquares(
        columns,
        y.map((v) => v - yMean),
      ),
    );
    let intercept = yMean;
    for (let t = 0; t < terms.length; t++) intercept -= means[t]! * coef[t]!;
    return ModelshelfFit.of({
      kind: 'polynomial',
      features: [...options.features],
      scale,
      terms,
      component: { intercept, coef },
    });
  }

  export(components: Record<string, FittedComponent>, options: FitOptions) {
    return exportModelshelfJson(this.name, components, options);
  }
}
