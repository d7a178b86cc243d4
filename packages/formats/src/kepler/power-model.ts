// Kepler's power model runtime (Go estimator, v0.7.12 semantics) over dense row-major batches.
//
// Per component, per row (Kepler's pkg/model/estimator/local/regressor):
//   x'_j   = (x_j - center_j) / divisor_j; center 0 and divisor = scale in the current and v0.6 schemas.
//            A feature with divisor 0 is skipped (Kepler: scale 0), and so is a model feature missing from the
//            component's weights (Kepler looks it up by name and gets the zero value: scale 0).
//            Oldest schema: center = mean, divisor = sqrt(variance). Kepler's old lr.go divided by sqrt(variance)
//            unguarded (variance 0 → ±Inf/NaN power); we skip such a feature instead, the same rule as scale 0,
//            because a zero-variance feature was constant in training and carries no information.
//            (Kepler v0.7.12 itself would read an oldest-schema file as all scales 0 and predict the bias only.)
//   linear = Bias + Σ categorical weight of the row's system value + Σ weight_j · x'_j (weight 0 terms skipped,
//            as Kepler does, so a NaN input on a zero-weight feature does not poison the sum).
//   curve  = Σ categorical + f(x'_0), x'_0 from ONE feature chosen by `curveInput` (see main-feature.ts):
//            'main-feature' (default): the column kepler-model-server's Python estimator reads (the inferred
//            feature group's main feature; dram has its own); 'first-feature': the component's first feature
//            (file order = Kepler's sorted order), which is what Kepler's Go regressor reads when its first
//            request metric is that feature; {feature}: a named feature (Kepler's Go rule for another metric order).
//            logarithmic a·ln(b·x'0 + 1) + c, exponential a·exp(b·x'0) + c, logistic A / (1 + exp(-k·(x'0 - x0))) + off,
//            each evaluated in Kepler's operation order: ((base + term) + c).
// Idle power predicts with every feature 0 and multiplies by coreRatio = min(discoveredCores / modelCores, 1)
// (Kepler's GetCoreRatio: a ratio ≤ 0 or unknown counts as 1; dynamic/absolute power never uses it).
// Fill-in (Kepler's FillNodeComponentsPower): if package < core + uncore, package = core + uncore; then if
// core == 0, core = package − uncore. Kepler does this on uint64 milliwatts; `predict` does it on float watts
// and `toKeplerMilliwatts` reproduces the integer version bit for bit (see go-uint64.ts).
// Nothing is clamped unless `clampNegative` (the Python sidecar's max(0, ·)), applied before coreRatio and fill-in.
// Oldest schema (mean/variance, no scale): `meanVariance` 'standard-scaler' (default) evaluates it as Kepler v0.5.5
// did; 'ignore' as Kepler ≥ 0.7 does (no scale key = scale 0: every such feature skipped, bias only).
import type { DecodedModel } from '../types.ts';
import { keplerCurve } from './curves.ts';
import { KEPLER_WEIGHTS_FORMAT, KeplerInputError } from './errors.ts';
import { fillNodeComponentsMilliwatts, type GoArch, goFloat64ToUint64 } from './go-uint64.ts';
import { compileLinearKernel, type LinearKernel } from './linear-kernel.ts';
import { sidecarMainFeatureIndex } from './main-feature.ts';
import { type KeplerPredictorKind, predictorKindForTrainer } from './trainer.ts';
import { checkAgainstPredictor, type KeplerNumericalFeature, type KeplerWeights } from './weights-schema.ts';

/** Which feature a curve fit reads (see the header): the sidecar's, the first, or a named one. */
export type KeplerCurveInput = 'main-feature' | 'first-feature' | { feature: string };

/** How the oldest schema (mean/variance, no scale) is read: Kepler v0.5.5's standard scaler, or Kepler ≥ 0.7's skip. */
export type KeplerMeanVarianceRule = 'standard-scaler' | 'ignore';

export interface KeplerPredictOptions {
  /** Curve fits: which feature is x'0. Default 'main-feature' (the Python sidecar's rule). */
  curveInput?: KeplerCurveInput;
  /** Predict idle power: every feature 0, `input` ignored (may be null). */
  idle?: boolean;
  /** System (categorical) value index per variable in `model.categorical` order (-1 = value not in the model).
   *  Length categorical.length: shared by all rows (Kepler's node-level values); rows × that: one set per row. */
  system?: Int32Array;
  /** Cores discovered on this node; with the model's cores gives coreRatio for idle power. */
  cores?: number;
  /** Overrides the coreRatio computed from `cores` (still applied to idle only, clipped like Kepler). */
  coreRatio?: number;
  /** Python sidecar behaviour: negative component predictions become 0. */
  clampNegative?: boolean;
  /** Apply Kepler's package/core fill-in (default true). */
  fill?: boolean;
}

export interface KeplerMilliwattOptions extends KeplerPredictOptions {
  /** Which Go float→uint64 conversion to reproduce (default amd64). */
  arch?: GoArch;
}

/** predictRows options: KeplerPredictOptions per row (system and cores come from each row). */
export interface KeplerRowsOptions extends Omit<KeplerPredictOptions, 'system' | 'cores' | 'curveInput'> {
  curveInput?: KeplerCurveInput | 'first-metric';
}

export interface KeplerRowInput {
  features: Record<string, number>;
  system?: Record<string, string>;
  cores?: number;
}

export interface KeplerPowerModelOptions {
  /** Trainer name selecting the predictor (SGDRegressorTrainer, LogarithmicRegressionTrainer, …). */
  trainer?: string;
  /** Cores of the machine the model was trained on (overrides the file's machine_spec.cores). */
  modelCores?: number;
  /** Named in errors. */
  path?: string;
  /** Oldest-schema features: 'standard-scaler' (default, Kepler v0.5.5) or 'ignore' (Kepler ≥ 0.7: bias only). */
  meanVariance?: KeplerMeanVarianceRule;
}

/** One curve-fit input: column in `features`, center, divisor; col -1 = skipped (x'0 = 0, Kepler's scale 0). */
interface CurveX {
  col: number;
  center: number;
  divisor: number;
}

interface CompiledComponent {
  kind: KeplerPredictorKind;
  bias: number;
  /** Linear terms that Kepler does not skip: weight ≠ 0 and divisor ≠ 0. */
  cols: Int32Array;
  weights: Float64Array;
  centers: Float64Array;
  divisors: Float64Array;
  /** Curve fits: x'0 by the sidecar's main-feature rule and by the first-feature rule. */
  mainX: CurveX;
  firstX: CurveX;
  /** The component's own features (curve fits look a named feature up here). */
  own: readonly KeplerNumericalFeature[];
  curve: Float64Array;
  /** Per model categorical variable: weight per value index (0 where this component lacks the value). */
  categorical: Float64Array[];
}

const RAPL_FILL = ['package', 'core', 'uncore'] as const;

export class KeplerPowerModel implements DecodedModel {
  readonly format = KEPLER_WEIGHTS_FORMAT;
  /** Union of all components' numerical features, first-seen file order. */
  readonly features: readonly string[];
  /** Component names in file order. */
  readonly outputs: readonly string[];
  /** Categorical (system) variables and their known values, for building `system` index arrays. */
  readonly categorical: readonly { name: string; values: readonly string[] }[];
  readonly trainer: string | undefined;
  readonly predictors: Readonly<Record<string, KeplerPredictorKind>>;
  readonly modelCores: number | undefined;
  readonly meanVariance: KeplerMeanVarianceRule;

  private readonly compiled: CompiledComponent[];
  private readonly fillCols: { package: number; core: number; uncore: number } | undefined;
  private readonly zeros: Float64Array;
  /** Compiled on first use when every component is linear (see linear-kernel.ts). */
  private kernel: LinearKernel | undefined;
  private readonly bases: Float64Array;
  private readonly options: KeplerPowerModelOptions;

  constructor(
    readonly weights: KeplerWeights,
    options: KeplerPowerModelOptions = {},
  ) {
    this.trainer = options.trainer;
    this.modelCores = options.modelCores ?? weights.modelCores;
    this.meanVariance = options.meanVariance ?? 'standard-scaler';
    this.options = options;
    const kind = predictorKindForTrainer(options.trainer);
    for (const c of weights.components) {
      checkAgainstPredictor(options.path ?? '<weights>', c.name, c.kind, c.curveFit, kind);
    }
    const features: string[] = [];
    const categorical: { name: string; values: string[] }[] = [];
    for (const c of weights.components) {
      for (const f of c.features) if (!features.includes(f.name)) features.push(f.name);
      for (const v of c.categorical) {
        let known = categorical.find((k) => k.name === v.name);
        if (!known) {
          known = { name: v.name, values: [] };
          categorical.push(known);
        }
        for (const { value } of v.values) if (!known.values.includes(value)) known.values.push(value);
      }
    }
    this.features = features;
    this.categorical = categorical;
    this.outputs = weights.components.map((c) => c.name);
    this.predictors = Object.fromEntries(weights.components.map((c) => [c.name, kind]));
    const ignoreMeanVariance = this.meanVariance === 'ignore';
    const divisorOf = (f: KeplerNumericalFeature) =>
      ignoreMeanVariance && f.schema === 'mean-variance' ? 0 : f.divisor;
    const curveX = (f: KeplerNumericalFeature | undefined): CurveX =>
      f === undefined || divisorOf(f) === 0
        ? { col: -1, center: 0, divisor: 1 }
        : { col: features.indexOf(f.name), center: f.center, divisor: divisorOf(f) };
    this.compiled = weights.components.map((c) => {
      const terms = c.features.filter((f) => f.weight !== 0 && divisorOf(f) !== 0);
      const names = c.features.map((f) => f.name);
      const main = sidecarMainFeatureIndex(names, c.name) ?? 0;
      return {
        kind,
        bias: kind === 'linear' ? c.bias : 0,
        cols: Int32Array.from(terms, (f) => features.indexOf(f.name)),
        weights: Float64Array.from(terms, (f) => f.weight),
        centers: Float64Array.from(terms, (f) => f.center),
        divisors: Float64Array.from(terms, divisorOf),
        mainX: curveX(c.features[main]),
        firstX: curveX(c.features[0]),
        own: c.features,
        curve: Float64Array.from({ length: 4 }, (_, i) => c.curveFit[i] ?? 0),
        categorical: categorical.map((v) => {
          const own = c.categorical.find((k) => k.name === v.name);
          return Float64Array.from(
            v.values,
            (value) => own?.values.find((x) => x.value === value)?.weight ?? 0,
          );
        }),
      };
    });
    const col = (n: string) => this.outputs.indexOf(n);
    this.fillCols = RAPL_FILL.some((n) => col(n) >= 0)
      ? { package: col('package'), core: col('core'), uncore: col('uncore') }
      : undefined;
    this.zeros = new Float64Array(features.length);
    this.bases = new Float64Array(this.outputs.length);
  }

  /** The same weights read with other model options (e.g. another `meanVariance` rule). */
  withOptions(options: Partial<KeplerPowerModelOptions>): KeplerPowerModel {
    return new KeplerPowerModel(this.weights, { ...this.options, modelCores: this.modelCores, ...options });
  }

  /** DecodedModel entry point: absolute/dynamic power in watts, Kepler's fill-in applied, no system values. */
  predict(input: Float64Array, rows: number): Float64Array {
    return this.predictInto(input, rows, new Float64Array(rows * this.outputs.length));
  }

  /**
   * Batch prediction into a caller-owned buffer (rows × outputs.length watts); allocates nothing per row.
   * `input` holds rows × features.length values in `features` order.
   */
  predictInto(
    input: Float64Array | null,
    rows: number,
    out: Float64Array,
    options: KeplerPredictOptions = {},
  ): Float64Array {
    this.checkBuffers(input, rows, out, options);
    if (this.canUseKernel(input, rows, options)) {
      this.runKernel(input!, rows, out, options.system);
      return out;
    }
    const idle = options.idle === true;
    const ratio = idle ? this.coreRatio(options) : 1;
    this.predictRaw(
      idle ? this.zeros : input!,
      idle ? 0 : this.features.length,
      rows,
      out,
      options.system,
      options.curveInput ?? 'main-feature',
    );
    const nOut = this.outputs.length;
    const clamp = options.clampNegative === true;
    if (clamp || ratio !== 1) {
      for (let i = 0; i < rows * nOut; i++) {
        let v = out[i]!;
        if (clamp && v < 0) v = 0;
        out[i] = v * ratio;
      }
    }
    const fill = this.fillCols;
    if (fill && options.fill !== false) {
      for (let r = 0, o = 0; r < rows; r++, o += nOut) {
        const core = fill.core >= 0 ? out[o + fill.core]! : 0;
        const uncore = fill.uncore >= 0 ? out[o + fill.uncore]! : 0;
        let pkg = fill.package >= 0 ? out[o + fill.package]! : 0;
        if (pkg < core + uncore) pkg = core + uncore;
        if (fill.package >= 0) out[o + fill.package] = pkg;
        if (core === 0 && fill.core >= 0) out[o + fill.core] = pkg - uncore;
      }
    }
    return out;
  }

  /**
   * What Kepler itself stores: per row and component `uint64(watts · 1000 · coreRatio)` then the fill-in on
   * uint64 (wrapping) milliwatts. Returns rows × outputs.length values.
   */
  toKeplerMilliwatts(
    input: Float64Array | null,
    rows: number,
    options: KeplerMilliwattOptions = {},
  ): BigUint64Array {
    const nOut = this.outputs.length;
    const raw = this.predictInto(input, rows, new Float64Array(rows * nOut), {
      ...options,
      curveInput: options.curveInput ?? 'first-feature',
      coreRatio: 1,
      cores: undefined,
      fill: false,
    });
    const idle = options.idle === true;
    const ratio = idle ? this.coreRatio(options) : 1;
    const arch = options.arch ?? 'amd64';
    const mw = new BigUint64Array(rows * nOut);
    const fill = this.fillCols;
    for (let r = 0, o = 0; r < rows; r++, o += nOut) {
      for (let c = 0; c < nOut; c++) mw[o + c] = goFloat64ToUint64(raw[o + c]! * 1000 * ratio, arch);
      if (!fill) continue;
      const get = (i: number) => (i >= 0 ? mw[o + i]! : 0n);
      const filled = fillNodeComponentsMilliwatts({
        package: get(fill.package),
        core: get(fill.core),
        uncore: get(fill.uncore),
        dram: 0n,
      });
      if (fill.package >= 0) mw[o + fill.package] = filled.package;
      if (fill.core >= 0) mw[o + fill.core] = filled.core;
    }
    return mw;
  }

  /**
   * Convenience for CLIs: one object per row, watts per component. Features the model does not use are
   * ignored (as Kepler and its sidecar do). `curveInput: 'first-metric'` is Kepler's Go rule per row: the
   * curve reads the first feature the row names (its first key), over that feature's scale.
   */
  predictRows(rows: readonly KeplerRowInput[], options: KeplerRowsOptions = {}): Record<string, number>[] {
    const nf = this.features.length;
    const input = new Float64Array(Math.max(1, rows.length * nf));
    const out = new Float64Array(this.outputs.length);
    const system = new Int32Array(this.categorical.length);
    return rows.map((row, r) => {
      const x = input.subarray(r * nf, (r + 1) * nf);
      for (const [name, value] of Object.entries(row.features)) {
        if (typeof value !== 'number') {
          throw new KeplerInputError(
            `row ${r}: feature "${name}" must be a number, got ${JSON.stringify(value)}`,
          );
        }
        const j = this.features.indexOf(name);
        if (j >= 0) x[j] = value;
      }
      this.categorical.forEach((v, i) => {
        const value = row.system?.[v.name];
        system[i] = value === undefined ? -1 : v.values.indexOf(value);
      });
      const { curveInput, ...rest } = options;
      const first = Object.keys(row.features)[0];
      const rule: KeplerCurveInput | undefined =
        curveInput === 'first-metric'
          ? first === undefined
            ? 'first-feature'
            : { feature: first }
          : curveInput;
      this.predictInto(x, 1, out, { ...rest, curveInput: rule, system, cores: row.cores });
      return Object.fromEntries(this.outputs.map((name, c) => [name, out[c]!]));
    });
  }

  /** Index of `value` for categorical variable `variable` (for `system` arrays); -1 when unknown. */
  categoryIndex(variable: string, value: string): number {
    return this.categorical.find((v) => v.name === variable)?.values.indexOf(value) ?? -1;
  }

  /** Kepler's GetCoreRatio for idle power. */
  coreRatio(options: Pick<KeplerPredictOptions, 'cores' | 'coreRatio'>): number {
    const r =
      options.coreRatio ??
      (options.cores !== undefined && this.modelCores !== undefined ? options.cores / this.modelCores : 0);
    return r > 0 ? Math.min(r, 1) : 1;
  }

  /** The compiled kernel covers the default case: linear, not idle, no clamp, fill-in on, node-level system values. */
  private canUseKernel(input: Float64Array | null, rows: number, o: KeplerPredictOptions): boolean {
    const nCat = this.categorical.length;
    return (
      input !== null &&
      o.idle !== true &&
      o.clampNegative !== true &&
      o.fill !== false &&
      (o.system === undefined || rows === 1 || o.system.length === nCat) &&
      this.compiled.every((m) => m.kind === 'linear')
    );
  }

  private runKernel(
    input: Float64Array,
    rows: number,
    out: Float64Array,
    system: Int32Array | undefined,
  ): void {
    if (this.kernel === undefined) {
      const terms = this.compiled.map((m) =>
        Array.from(m.cols, (col, t) => ({
          col,
          weight: m.weights[t]!,
          center: m.centers[t]!,
          divisor: m.divisors[t]!,
        })),
      );
      this.kernel = compileLinearKernel(this.features.length, terms, this.fillCols);
    }
    const nCat = this.categorical.length;
    this.compiled.forEach((m, c) => {
      this.bases[c] = system === undefined ? m.bias : addCategorical(m, m.bias, system, 0, nCat);
    });
    this.kernel(input, rows, out, this.bases);
  }

  /** The hot loop: raw component predictions (no clamp, ratio or fill) for `rows` rows read with `stride`. */
  private predictRaw(
    input: Float64Array,
    stride: number,
    rows: number,
    out: Float64Array,
    system: Int32Array | undefined,
    curveInput: KeplerCurveInput,
  ): void {
    const nOut = this.outputs.length;
    const nCat = this.categorical.length;
    const perRowSystem = system !== undefined && nCat > 0 && system.length >= rows * nCat && rows > 1;
    for (let c = 0; c < nOut; c++) {
      const m = this.compiled[c]!;
      // Kepler: base = Bias (linear) or 0 (curve), then += each categorical weight in variable order.
      let sharedBase = m.bias;
      if (system !== undefined && !perRowSystem) sharedBase = addCategorical(m, sharedBase, system, 0, nCat);
      const { cols, weights, centers, divisors } = m;
      const nTerms = cols.length;
      const xs = m.kind === 'linear' ? m.firstX : this.curveXFor(m, curveInput);
      for (let r = 0, base = r * stride; r < rows; r++, base += stride) {
        const p0 = perRowSystem ? addCategorical(m, m.bias, system!, r * nCat, nCat) : sharedBase;
        let p: number;
        if (m.kind === 'linear') {
          p = p0;
          for (let t = 0; t < nTerms; t++) {
            p += weights[t]! * ((input[base + cols[t]!]! - centers[t]!) / divisors[t]!);
          }
        } else {
          const x0 = xs.col < 0 ? 0 : (input[base + xs.col]! - xs.center) / xs.divisor;
          p = curve(m.kind, m.curve, p0, x0);
        }
        out[r * nOut + c] = p;
      }
    }
  }

  private curveXFor(m: CompiledComponent, rule: KeplerCurveInput): CurveX {
    if (rule === 'main-feature') return m.mainX;
    if (rule === 'first-feature') return m.firstX;
    // Kepler's Go regressor: x[0] is the named metric over ITS scale in this component (none = scale 0 = 0).
    const f = m.own.find((x) => x.name === rule.feature);
    const divisor =
      f === undefined || (this.meanVariance === 'ignore' && f.schema === 'mean-variance') ? 0 : f.divisor;
    return divisor === 0 || f === undefined
      ? { col: -1, center: 0, divisor: 1 }
      : { col: this.features.indexOf(f.name), center: f.center, divisor };
  }

  private checkBuffers(
    input: Float64Array | null,
    rows: number,
    out: Float64Array,
    o: KeplerPredictOptions,
  ): void {
    if (!Number.isInteger(rows) || rows < 0)
      throw new KeplerInputError(`rows must be a non-negative integer, got ${rows}`);
    const nf = this.features.length;
    if (o.idle !== true && (input === null || input.length < rows * nf)) {
      throw new KeplerInputError(
        `input holds ${input?.length ?? 0} values, need rows × features = ${rows} × ${nf} (${this.features.join(', ')})`,
      );
    }
    if (out.length < rows * this.outputs.length) {
      throw new KeplerInputError(
        `output buffer holds ${out.length} values, need ${rows} × ${this.outputs.length}`,
      );
    }
    const nCat = this.categorical.length;
    if (o.system !== undefined && o.system.length !== nCat && o.system.length !== rows * nCat) {
      throw new KeplerInputError(
        `system holds ${o.system.length} indices, need ${nCat} (shared) or ${rows} × ${nCat} (per row) for ${this.categorical.map((v) => v.name).join(', ')}`,
      );
    }
  }
}

function addCategorical(
  m: CompiledComponent,
  base: number,
  system: Int32Array,
  at: number,
  nCat: number,
): number {
  let p = base;
  for (let v = 0; v < nCat; v++) {
    const idx = system[at + v]!;
    const w = m.categorical[v]!;
    p += idx >= 0 && idx < w.length ? w[idx]! : 0;
  }
  return p;
}

function curve(kind: KeplerPredictorKind, w: Float64Array, base: number, x0: number): number {
  return kind === 'linear' ? base : keplerCurve(kind, w, x0, base);
}
