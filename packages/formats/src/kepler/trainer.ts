// Which prediction formula a Kepler trainer name selects, exactly as Kepler v0.7.12's createPredictor does.

export type KeplerPredictorKind = 'linear' | 'logarithmic' | 'exponential' | 'logistic';

/** CurveFit_Weights length each curve predictor requires (Kepler rejects any other count). */
export const CURVE_FIT_WEIGHT_COUNT: Readonly<Record<Exclude<KeplerPredictorKind, 'linear'>, number>> = {
  logarithmic: 3,
  exponential: 3,
  logistic: 4,
};

/** SGDRegressorTrainer and every unknown trainer (or none) are linear, like Kepler's `default:` branch. */
export function predictorKindForTrainer(trainer: string | undefined): KeplerPredictorKind {
  switch (trainer) {
    case 'LogarithmicRegressionTrainer':
      return 'logarithmic';
    case 'ExponentialRegressionTrainer':
      return 'exponential';
    case 'LogisticRegressionTrainer':
      return 'logistic';
    default:
      return 'linear';
  }
}

/**
 * Trainer name from a Kepler model name or weight file name: `SGDRegressorTrainer_0.json` →
 * `SGDRegressorTrainer`. Kepler's rule: drop the extension, then the last `_`-separated part (the node type).
 * Returns undefined when the name has no `_<node type>` suffix (e.g. `weights.json`).
 */
export function trainerFromModelName(name: string): string | undefined {
  const base = (name.split('/').pop() ?? name).replace(/\.json$/i, '');
  const cut = base.lastIndexOf('_');
  if (cut <= 0) return undefined;
  return base.slice(0, cut);
}
