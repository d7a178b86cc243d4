// Kepler's three one-feature curves, written exactly as its Go estimator evaluates them (v0.7.12):
// the trainer fits and scores with these and the runtime predicts with them, so an exported model
// predicts what was scored. `base` is Σ categorical weights (0 for the trainer's own fits).

export type KeplerCurveKind = 'logarithmic' | 'exponential' | 'logistic';

/** log/exp weights: [a, b, c]; logistic: [A, x0, k, off] (Kepler's CurveFit_Weights order). */
export function keplerCurve(kind: KeplerCurveKind, w: ArrayLike<number>, x0: number, base = 0): number {
  switch (kind) {
    case 'logarithmic':
      return base + w[0]! * Math.log(w[1]! * x0 + 1) + w[2]!;
    case 'exponential':
      return base + w[0]! * Math.exp(w[1]! * x0) + w[2]!;
    case 'logistic':
      return base + w[0]! / (1 + Math.exp(-w[2]! * (x0 - w[1]!))) + w[3]!;
  }
}
