// XgboostFitTrainer: Kepler's XgboostTrainer.init_model — XGBRegressor(n_estimators=100, learning_rate=0.1) —
// with XGBoost's defaults for everything else: reg:squarederror, tree_method 'hist' (max_bin 256), depth-wise
// trees of max_depth 6, lambda 1, gamma 0, min_child_weight 1, no row or column sampling (so no randomness), and
// base_score the mean target (XGBoost ≥ 2.0 estimates it so for squared error). Features are max-abs scaled first,
// as in Kepler. The booster is exported twice from the same trees: modelshelf-json's `xgboost` kind and XGBoost's
// own JSON model format (xgboost-json), which `xgb.Booster(model_file=...)` loads.
import { encodeXgboostJsonFiles, XGBOOST_JSON_FORMAT, type XgboostTree } from '@modelshelf/formats';
import { binColumns, HistBooster } from './hist-tree.ts';
import { mean } from './least-squares.ts';
import { exportModelshelfJson, ModelshelfFit, mergeModelshelfFits } from './modelshelf-fit.ts';
import { applyScale, checkFeatures, checkMatrix, maxAbsScale } from './scaling.ts';
import type { ExportedModel, FitOptions, FittedComponent, Matrix, Trainer } from './types.ts';

export interface XgboostOptions {
  nEstimators: number;
  /** Learning rate; leaves are stored already multiplied by it. */
  eta: number;
  maxDepth: number;
  lambda: number;
  gamma: number;
  minChildWeight: number;
  maxBin: number;
  /** 'mean' (XGBoost ≥ 2.0's estimate for squared error) or a fixed number (XGBoost 1.x used 0.5). */
  baseScore: number | 'mean';
}

export const XGBOOST_DEFAULTS: XgboostOptions = {
  nEstimators: 100,
  eta: 0.1,
  maxDepth: 6,
  lambda: 1,
  gamma: 0,
  minChildWeight: 1,
  maxBin: 256,
  baseScore: 'mean',
};

export class XgboostFitTrainer implements Trainer {
  readonly name = 'XgboostFitTrainer';
  readonly hyperParameters: Record<string, unknown>;
  private readonly options: XgboostOptions;

  constructor(options: Partial<XgboostOptions> = {}) {
    this.options = { ...XGBOOST_DEFAULTS, ...options };
    const o = this.options;
    if (!Number.isInteger(o.nEstimators) || o.nEstimators < 1) {
      throw new RangeError(`nEstimators must be a positive integer, got ${o.nEstimators}`);
    }
    if (!(o.eta > 0)) throw new RangeError(`eta must be > 0, got ${o.eta}`);
    if (!Number.isInteger(o.maxDepth) || o.maxDepth < 0 || o.maxDepth > 32) {
      throw new RangeError(`maxDepth must be an integer in 0..32, got ${o.maxDepth}`);
    }
    if (!(o.lambda >= 0) || !(o.gamma >= 0) || !(o.minChildWeight >= 0)) {
      throw new RangeError(
        `lambda, gamma and minChildWeight must be >= 0, got ${o.lambda}, ${o.gamma}, ${o.minChildWeight}`,
      );
    }
    this.hyperParameters = {
      ...o,
      objective: 'reg:squarederror',
      treeMethod: 'hist',
      growPolicy: 'depthwise',
      scaler: 'maxabs',
    };
  }

  fit(x: Matrix, y: Float64Array, options: FitOptions): ModelshelfFit {
    checkMatrix(x, y);
    checkFeatures(x, options.features);
    if (x.rows < 1) throw new RangeError('XgboostFitTrainer needs at least one row');
    const o = this.options;
    const scale = maxAbsScale(x);
    const binned = binColumns(applyScale(x, scale), x.rows, x.cols, o.maxBin, 'xgboost');
    const booster = new HistBooster(binned, {
      maxDepth: o.maxDepth,
      lambda: o.lambda,
      gamma: o.gamma,
      minSplitGain: 1e-6,
      minChildWeight: o.minChildWeight,
      leafScale: o.eta,
      updateScale: 1,
      float32Leaves: true,
    });
    const baseScore = Math.fround(o.baseScore === 'mean' ? mean(y) : o.baseScore);
    const prediction = new Float64Array(x.rows).fill(baseScore);
    const trees: XgboostTree[] = [];
    for (const tree of booster.boost(y, prediction, o.nEstimators)) {
      trees.push({
        feature: tree.feature,
        threshold: tree.threshold,
        left: tree.left,
        right: tree.right,
        defaultLeft: tree.defaultLeft,
        value: tree.value,
        gain: tree.gain,
        cover: tree.count,
      });
    }
    return ModelshelfFit.of({
      kind: 'xgboost',
      features: [...options.features],
      scale,
      component: { baseScore, trees },
    });
  }

  export(components: Record<string, FittedComponent>, options: FitOptions): ExportedModel {
    const own = exportModelshelfJson(this.name, components, options);
    const model = mergeModelshelfFits(this.name, components);
    if (model.kind !== 'xgboost') throw new TypeError(`${this.name}.export: not an xgboost model`);
    const files = encodeXgboostJsonFiles(model);
    const paths = Object.keys(files).sort();
    return {
      files: [...own.files, ...paths.map((path) => ({ path, data: files[path]! }))],
      formats: [...own.formats, { name: XGBOOST_JSON_FORMAT, files: paths }],
      modelClass: 'xgboost',
    };
  }
}
