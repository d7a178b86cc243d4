// PolynomialRegressionTrainer: scikit-learn's PolynomialFeatures(degree=2) + LinearRegression() (ordinary least
// squares with an intercept) on max-abs-scaled features, solved through the centred normal equations (two passes
// over the design) or, when those are too ill-conditioned, Householder QR on the centred design.
import { polynomialTerms } from '@modelshelf/formats';
import { centredColumns, mean, reduceLeastSquares, solveReduced } from './least-squares.ts';
import { exportModelshelfJson, ModelshelfFit } from './modelshelf-fit.ts';
import { reduceCentredNormalEquations } from './normal-equations.ts';
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
    const design = polynomialDesign(xs, x.rows, x.cols, terms);
    const designMatrix = { data: design, rows: x.rows, cols: terms.length };
    const { problem, means, yMean } =
      reduceCentredNormalEquations(designMatrix, new Float64Array(terms.length).fill(1), y) ??
      reduceByQr(design, x.rows, terms.length, y);
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

/** The well-conditioned route: Householder QR of the centred design columns (one pass over the data per term). */
function reduceByQr(design: Float64Array, rows: number, cols: number, y: Float64Array) {
  const { columns, means } = centredColumns(design, rows, cols);
  const yMean = mean(y);
  const yc = y.map((v) => v - yMean);
  return { problem: reduceLeastSquares(columns, yc), means, yMean };
}

/** Row-major n × terms design matrix: each term is the product of its features (plain loops: hot on big data). */
function polynomialDesign(
  xs: Float64Array,
  rows: number,
  cols: number,
  terms: readonly (readonly number[])[],
): Float64Array {
  const t = terms.length;
  // Terms flattened to offsets into the feature list, so the per-row loop allocates nothing.
  const starts = new Int32Array(t + 1);
  terms.forEach((term, i) => {
    starts[i + 1] = starts[i]! + term.length;
  });
  const factors = Int32Array.from(terms.flat());
  const design = new Float64Array(rows * t);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const d = r * t;
    for (let i = 0; i < t; i++) {
      let v = 1;
      for (let j = starts[i]!; j < starts[i + 1]!; j++) v *= xs[o + factors[j]!]!;
      design[d + i] = v;
    }
  }
  return design;
}
