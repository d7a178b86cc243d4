// PolynomialRegressionTrainer: scikit-learn's PolynomialFeatures(degree=2) + LinearRegression() (ordinary least
// squares with an intercept) on max-abs-scaled features, solved through the normal equations of the centred
// design (built column by column) or, when those are too ill-conditioned, Householder QR on the same columns.
import { polynomialTerms } from '@modelshelf/formats';
import { reduceLeastSquares, solveReduced } from './least-squares.ts';
import { exportModelshelfJson, ModelshelfFit } from './modelshelf-fit.ts';
import { centredTarget, centreInPlace, reduceCentredColumns } from './normal-equations.ts';
import { checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
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
    const terms = polynomialTerms(x.cols, this.degree);
    const columns = polynomialColumns(x, scale, terms);
    const means = centreInPlace(columns);
    const { centred, mean: yMean } = centredTarget(y);
    // QR (which overwrites the columns) only when the Gram matrix is too ill-conditioned.
    const problem = reduceCentredColumns(columns, centred) ?? reduceLeastSquares(columns, centred);
    const coef = solveReduced(problem);
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

/**
 * The design column-major, one Float64Array per term: each term is the product of its scaled features.
 * Column by column, so every loop reads and writes contiguous memory and allocates nothing per row.
 */
function polynomialColumns(
  x: Matrix,
  scale: Float64Array,
  terms: readonly (readonly number[])[],
): Float64Array[] {
  const features = scaledFeatures(x, scale);
  return terms.map((term) => {
    const col = Float64Array.from(features[term[0]!]!);
    for (let j = 1; j < term.length; j++) {
      const f = features[term[j]!]!;
      for (let r = 0; r < col.length; r++) col[r] = col[r]! * f[r]!;
    }
    return col;
  });
}

/** x / scale per column (0 where the scale is 0), column-major. */
function scaledFeatures(x: Matrix, scale: Float64Array): Float64Array[] {
  const { rows: n, cols: d, data } = x;
  return Array.from({ length: d }, (_, c) => {
    const col = new Float64Array(n);
    const s = scale[c]!;
    if (s !== 0) for (let r = 0, o = c; r < n; r++, o += d) col[r] = data[o]! / s;
    return col;
  });
}
