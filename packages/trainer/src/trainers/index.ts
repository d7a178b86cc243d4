// The trainer set: Kepler's trainer names, each a fresh instance so callers may fit concurrently.
import {
  ExponentialRegressionTrainer,
  LogarithmicRegressionTrainer,
  LogisticRegressionTrainer,
} from './curve-fit.ts';
import { DenseNetworkTrainer } from './dense-network.ts';
import { GradientBoostingRegressorTrainer } from './gradient-boosting.ts';
import { KNeighborsRegressorTrainer } from './k-neighbors.ts';
import { LinearRegressionTrainer } from './linear-regression.ts';
import { PolynomialRegressionTrainer } from './polynomial-regression.ts';
import { SGDRegressorTrainer } from './sgd-regressor.ts';
import { SVRRegressorTrainer } from './svr.ts';
import type { Trainer } from './types.ts';
import { XgboostFitTrainer } from './xgboost.ts';

export {
  ExponentialRegressionTrainer,
  LogarithmicRegressionTrainer,
  LogisticRegressionTrainer,
} from './curve-fit.ts';
export { blockDiagonalNetwork, DenseNetworkTrainer } from './dense-network.ts';
export { GradientBoostingRegressorTrainer } from './gradient-boosting.ts';
export { KNeighborsRegressorTrainer } from './k-neighbors.ts';
export { KEPLER_WEIGHTS_FILE, KeplerCurveFit, KeplerLinearFit } from './kepler-fit.ts';
export { LinearRegressionTrainer } from './linear-regression.ts';
export { ModelshelfFit } from './modelshelf-fit.ts';
export { PolynomialRegressionTrainer } from './polynomial-regression.ts';
export { Rng, shuffledIndices } from './rng.ts';
export { SGDRegressorTrainer } from './sgd-regressor.ts';
export { SVR_DEFAULTS, SVRRegressorTrainer, type SvrOptions } from './svr.ts';
export type * from './types.ts';
export { XGBOOST_DEFAULTS, XgboostFitTrainer, type XgboostOptions } from './xgboost.ts';

const FACTORIES = {
  LinearRegressionTrainer: () => new LinearRegressionTrainer(),
  SGDRegressorTrainer: () => new SGDRegressorTrainer(),
  PolynomialRegressionTrainer: () => new PolynomialRegressionTrainer(),
  GradientBoostingRegressorTrainer: () => new GradientBoostingRegressorTrainer(),
  KNeighborsRegressorTrainer: () => new KNeighborsRegressorTrainer(),
  LogarithmicRegressionTrainer: () => new LogarithmicRegressionTrainer(),
  ExponentialRegressionTrainer: () => new ExponentialRegressionTrainer(),
  LogisticRegressionTrainer: () => new LogisticRegressionTrainer(),
  DenseNetworkTrainer: () => new DenseNetworkTrainer(),
  SVRRegressorTrainer: () => new SVRRegressorTrainer(),
  XgboostFitTrainer: () => new XgboostFitTrainer(),
} satisfies Record<string, () => Trainer>;

export type TrainerName = keyof typeof FACTORIES;

/** Every trainer name, in the order `allTrainers()` returns them. */
export const TRAINER_NAMES = Object.keys(FACTORIES) as TrainerName[];

/** A fresh instance of every trainer with default hyper-parameters. */
export function allTrainers(): Trainer[] {
  return TRAINER_NAMES.map((n) => FACTORIES[n]());
}

/** A fresh trainer by Kepler name; throws with the list of known names otherwise. */
export function trainerByName(name: string): Trainer {
  const make = (FACTORIES as Record<string, (() => Trainer) | undefined>)[name];
  if (!make) throw new RangeError(`unknown trainer "${name}"; known trainers: ${TRAINER_NAMES.join(', ')}`);
  return make();
}
