// The in-memory form of a modelshelf-json model: what trainers build, what the encoder writes and what the
// decoder returns. Large arrays are typed arrays so a 200k-row KNN model costs no per-row objects.
import { POWER_COMPONENTS } from '../kepler/vocabulary.ts';

export const MODELSHELF_JSON_FORMAT = 'modelshelf-json';
/** The one file of the format inside a version. */
export const MODELSHELF_JSON_FILE = 'modelshelf-model.json';
/** Bumped on any change a reader of the previous version would misread. */
export const MODELSHELF_JSON_SCHEMA_VERSION = 1;

export const MODELSHELF_KINDS = ['linear', 'polynomial', 'gradient-boosting', 'knn', 'dense'] as const;
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
  | (ModelBase & { kind: 'dense'; components: Record<string, DenseComponent> });

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
