// The contract between pipelines and trainers. A trainer fits one model per component on a raw
// feature matrix; it owns its scaling (Kepler scales features by max-abs before fitting and keeps
// the scale with the exported weights), so a fitted model is self-contained.

/** A dense row-major matrix: `data[r * cols + c]`. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}

export interface FitOptions {
  /** Seed for every random choice (shuffles, initial weights): same data + seed → same model bytes. */
  seed: number;
  /** Feature names in column order (used in exports). */
  features: readonly string[];
  /** The power component being fitted (package, dram, …): Kepler's curve fits read a per-component feature. */
  component?: string;
}

/** One file of an exported model, plus the format it belongs to (as declared in the manifest). */
export interface ExportedFile {
  path: string;
  data: Uint8Array;
}

export interface ExportedModel {
  files: ExportedFile[];
  /** Formats declared in the manifest, e.g. [{ name: 'kepler-weights', files: ['weights.json'] }]. */
  formats: { name: string; files: string[] }[];
  /** Kepler's `model_class` (scikit | xgboost | curvefit | keras) for metadata compatibility. */
  modelClass: string;
}

/** A model fitted for one component. */
export interface FittedComponent {
  predict(x: Matrix): Float64Array;
}

export interface Trainer {
  /** Kepler-style trainer name, e.g. "LinearRegressionTrainer", "GradientBoostingRegressorTrainer". */
  readonly name: string;
  /** Hyper-parameters recorded in the version's metadata. */
  readonly hyperParameters: Record<string, unknown>;
  fit(x: Matrix, y: Float64Array, options: FitOptions): FittedComponent | Promise<FittedComponent>;
  /**
   * Serialises the fitted models of all components of one pipeline output into artifact files.
   * Deterministic: identical inputs give identical bytes.
   */
  export(
    components: Record<string, FittedComponent>,
    options: FitOptions,
  ): ExportedModel | Promise<ExportedModel>;
}
