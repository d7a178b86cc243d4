// The in-memory form of a modelshelf-json model: what trainers build, what the encoder writes and what the
// decoder returns. Large arrays are typed arrays so a 200k-row KNN model costs no per-row objects.
import { POWER_COMPONENTS } from '../kepler/vocabulary.ts';

export const MODELSHELF_JSON_FORMAT = 'modelshelf-json';
/** The one file of the format inside a version. */
export const MODELSHELF_JSON_FILE = 'modelshelf-model.json';
/**
 * Bumped on any change a reader of the previous version would misread (a changed meaning of an existing key or
 * kind). A new kind is not such a change: an older reader rejects an unknown kind by name, it cannot misread it.
 */
export const MODELSHELF_JSON_SCHEMA_VERSION = 1;

export const MODELSHELF_KINDS = [
  'linear',
  'polynomial',
  'gradient-boosting',
  'knn',
  'dense',
  'svr',
  'xgboost',
] as const;
export type ModelshelfKind = (typeof MODELSHELF_KINDS)[number];

/** power = intercept + Σ coef[i] · x'[i]. */
export interface LinearComponent {
  intercept: number;
  coef: Float64Array;
}

/** One regression tree as parallel arrays; node 0 is the root, a leaf has feature −1 and children −1. */
export interface FlatTree {
  feature: Int32Array;
  /** Go left when x'[feature] <= threshold. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf output (unused on split nodes, kept as the node mean for inspection). */
  value: Float64Array;
}

/** power = init + Σ learningRate · tree(x'). */
export interface GradientBoostingComponent {
  init: number;
  learningRate: number;
  trees: FlatTree[];
}

/** power = mean of `targets` over the k nearest reference points (Euclidean on x'). */
export interface KnnComponent {
  targets: Float64Array;
}

export const SVR_KERNELS = ['rbf', 'linear', 'poly', 'sigmoid'] as const;
export type SvrKernel = (typeof SVR_KERNELS)[number];

/**
 * power = intercept + Σ dualCoef[i] · K(supportVectors[i], x') — scikit-learn's / libsvm's SVR decision function
 * (`intercept` is sklearn's `intercept_`, i.e. −rho; `dualCoef` its `dual_coef_[0]`). Kernels:
 * rbf exp(−gamma‖u−v‖²), linear u·v, poly (gamma u·v + coef0)^degree, sigmoid tanh(gamma u·v + coef0).
 * `gamma` is the resolved number (sklearn's 'scale' already evaluated), never a keyword.
 */
export interface SvrComponent {
  kernel: SvrKernel;
  gamma: number;
  coef0: number;
  degree: number;
  intercept: number;
  /** One coefficient per support vector (αᵢ − αᵢ*). */
  dualCoef: Float64Array;
  /** Support vectors × features, row-major, in the scaled space x'. */
  supportVectors: Float64Array;
}

/**
 * One XGBoost regression tree as parallel arrays (node 0 the root, leaves have feature −1 and children −1).
 * XGBoost's rule, not scikit-learn's: a row goes left when float32(x'[feature]) < threshold (strictly less), and
 * to `defaultLeft ? left : right` when the value is missing (NaN). Thresholds are float32 values as XGBoost
 * stores them; `value` of a leaf is its output already multiplied by the learning rate (eta).
 */
export interface XgboostTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** 1 where a missing value goes left. */
  defaultLeft: Uint8Array;
  value: Float64Array;
  /**
   * XGBoost's per-node statistics (`loss_changes`, `sum_hessian`), kept when known so an XGBoost JSON export keeps
   * them for tools that read them (feature importance, SHAP). Not stored in modelshelf-json; never used to predict.
   */
  gain?: Float64Array;
  cover?: Float64Array;
}

/** power = baseScore + Σ tree(x'), trees in order, no learning-rate factor at predict time. */
export interface XgboostComponent {
  baseScore: number;
  trees: XgboostTree[];
}

export interface DenseLayerParams {
  units: number;
  activation: 'linear' | 'relu' | 'sigmoid' | 'tanh';
  /** inputs × units, row-major [in][out]. */
  kernel: Float64Array;
  bias: Float64Array;
}

export interface DenseComponent {
  layers: DenseLayerParams[];
}

interface ModelBase {
  /** Input feature names in column order. */
  features: string[];
  /** Max-abs scale per feature: x' = x / scale, and x' = 0 where scale is 0 (like Kepler's runtime). */
  scale: Float64Array;
  /** Trainer that produced the model, e.g. "GradientBoostingRegressorTrainer" (informational). */
  trainer?: string;
}

export type ModelshelfModel =
  | (ModelBase & { kind: 'linear'; components: Record<string, LinearComponent> })
  | (ModelBase & {
      kind: 'polynomial';
      /** Each term is the product of x' over these feature indices (sklearn PolynomialFeatures order, no bias). */
      terms: number[][];
      components: Record<string, LinearComponent>;
    })
  | (ModelBase & { kind: 'gradient-boosting'; components: Record<string, GradientBoostingComponent> })
  | (ModelBase & {
      kind: 'knn';
      k: number;
      /** Reference points, rows × features, already scaled (x'). */
      points: Float64Array;
      components: Record<string, KnnComponent>;
    })
  | (ModelBase & { kind: 'dense'; components: Record<string, DenseComponent> })
  | (ModelBase & { kind: 'svr'; components: Record<string, SvrComponent> })
  | (ModelBase & { kind: 'xgboost'; components: Record<string, XgboostComponent> });

const COMPONENT_ORDER: readonly string[] = POWER_COMPONENTS;

/** Kepler's component order first, then any other name in code-point order: the order of outputs and of the file. */
export function orderedComponents(names: Iterable<string>): string[] {
  const rank = (n: string) => {
    const i = COMPONENT_ORDER.indexOf(n);
    return i < 0 ? COMPONENT_ORDER.length : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** sklearn PolynomialFeatures(degree, include_bias=False) term order: by degree, then lexicographic indices. */
export function polynomialTerms(nFeatures: number, degree: number): number[][] {
  const terms: number[][] = [];
  const grow = (prefix: number[], start: number, left: number) => {
    if (left === 0) {
      terms.push(prefix);
      return;
    }
    for (let i = start; i < nFeatures; i++) grow([...prefix, i], i, left - 1);
  };
  for (let d = 1; d <= degree; d++) grow([], 0, d);
  return terms;
}
