// The plain, typed form a Kepler archive converts to: no pickle values, only numbers in typed arrays,
// enough to compute exactly what scikit-learn / XGBoost / Kepler's curve fits compute.

/** sklearn's array-of-nodes tree (sklearn.tree._tree.Tree), one output. */
export interface SklearnTree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Leaf value per node (value[:, 0, 0]). */
  readonly value: Float64Array;
  /** sklearn ≥ 1.3: where NaN goes at each split (1 = left). All 0 for older pickles. */
  readonly missingGoToLeft: Uint8Array;
}

export interface XgbTree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly feature: Int32Array;
  /** float32 split thresholds; leaf values for leaves (left === -1). */
  readonly condition: Float32Array;
  readonly defaultLeft: Uint8Array;
}

/** sklearn.neighbors.KDTree arrays: a complete binary tree; node i's children are 2i+1 and 2i+2. */
export interface KdTree {
  readonly idx: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly isLeaf: Uint8Array;
  /** node_bounds[0] and [1]: per node, per feature lower / upper bound (nNodes × nFeatures). */
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly nNodes: number;
}

export type Estimator =
  /** LinearRegression, SGDRegressor, and the regression half of the polynomial trainer: x·coef + intercept. */
  | { readonly kind: 'linear'; readonly cls: string; readonly coef: Float64Array; readonly intercept: number }
  /** GradientBoostingRegressor (squared error): init + Σ learning_rate · tree(x as float32). */
  | {
      readonly kind: 'gradient-boosting';
      readonly init: number;
      readonly learningRate: number;
      readonly trees: readonly SklearnTree[];
    }
  /** KNeighborsRegressor (minkowski p, brute force over the training set). */
  | {
      readonly kind: 'k-neighbors';
      readonly k: number;
      readonly weights: 'uniform' | 'distance';
      readonly p: number;
      readonly fitX: Float64Array;
      readonly y: Float64Array;
      readonly nSamples: number;
      /** The fitted KDTree (as pickled), searched exactly as scikit-learn does; brute force when absent. */
      readonly kdTree?: KdTree;
    }
  /** SVR: Σ dual_coef · K(sv, x) + intercept. */
  | {
      readonly kind: 'svr';
      readonly kernel: 'rbf' | 'linear' | 'poly' | 'sigmoid';
      readonly gamma: number;
      readonly coef0: number;
      readonly degree: number;
      readonly supportVectors: Float64Array;
      readonly nSupport: number;
      readonly dualCoef: Float64Array;
      readonly intercept: number;
    }
  /** XGBoost gbtree, reg:squarederror: float32 base_score + Σ leaves, in float32. */
  | { readonly kind: 'xgboost'; readonly baseScore: number; readonly trees: readonly XgbTree[] }
  /** Kepler's CurveFitModel on one (scaled) feature. */
  | {
      readonly kind: 'curve-fit';
      readonly curve: 'exponential' | 'logarithmic' | 'logistic';
      readonly params: readonly number[];
      readonly featureIndex: number;
    };

export type Transform =
  /** MaxAbsScaler: x / scale_. */
  | { readonly kind: 'max-abs'; readonly scale: Float64Array }
  /** MinMaxScaler: x · scale_ + min_, clipped to feature_range when `clip`. */
  | {
      readonly kind: 'min-max';
      readonly scale: Float64Array;
      readonly min: Float64Array;
      readonly clip: readonly [number, number] | undefined;
    }
  /** StandardScaler: (x − mean_) / scale_, each step only when fitted with it. */
  | {
      readonly kind: 'standard';
      readonly mean: Float64Array | undefined;
      readonly scale: Float64Array | undefined;
    }
  /** PolynomialFeatures (dense, C order), columns in scikit-learn's order. */
  | {
      readonly kind: 'polynomial';
      readonly degree: number;
      readonly minDegree: number;
      readonly interactionOnly: boolean;
      readonly includeBias: boolean;
      readonly nInput: number;
      readonly nOutput: number;
    };

export interface ComponentModel {
  /** package, core, uncore, dram, platform… */
  readonly name: string;
  /** Applied in order before the estimator (Kepler's `fe_files`). */
  readonly transforms: readonly Transform[];
  readonly estimator: Estimator;
  /** Input width the transforms expect (the archive's feature count). */
  readonly nFeatures: number;
}

export interface ArchiveModel {
  readonly modelName: string;
  /** Kepler trainer, e.g. GradientBoostingRegressorTrainer (from the model name). */
  readonly trainer: string;
  /** metadata.json `model_class`: scikit, xgboost, curvefit. */
  readonly modelClass: string;
  readonly features: readonly string[];
  readonly outputType: string;
  readonly mae: number | undefined;
  readonly components: readonly ComponentModel[];
}
