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
//   curve  = Σ categorical + f(x'_0), x'_0 from the component's first feature (file order = Kepler's sorted order):
//            logarithmic a·ln(b·x'0 + 1) + c, exponential a·exp(b·x'0) + c, logistic A / (1 + exp(-k·(x'0 - x0))) + off,
//            each evaluated in Kepler's operation order: ((base + term) + c).
// Idle power predicts with every feature 0 and multiplies by coreRatio = min(discoveredCores / modelCores, 1)
// (Kepler's GetCoreRatio: a ratio ≤ 0 or unknown counts as 1; dynamic/absolute power never uses it).
// Fill-in (Kepler's FillNodeComponentsPower): if package < core + uncore, package = core + uncore; then if
// core == 0, core = package − uncore. Kepler does this on uint64 milliwatts; `predict` does it on float watts
// and `toKeplerMilliwatts` reproduces the integer version bit for bit (see go-uint64.ts).
// Nothing is clamped unless `clampNegative` (the Python sidecar's max(0, ·)), applied before coreRatio and fill-in.
import type { DecodedModel } from '../types.ts';
import { keplerCurve } from './curves.ts';
import { KEPLER_WEIGHTS_FORMAT, KeplerInputError } from './errors.ts';
import { fillNodeComponentsMilliwatts, type GoArch, goFloat64ToUint64 } from './go-uint64.ts';
import { compileLinearKernel, type LinearKernel } from './linear-kernel.ts';
import { type KeplerPredictorKind, predictorKindForTrainer } from './trainer.ts';
import { checkAgainstPredictor, type KeplerWeights } from './weights-schema.ts';

export interface KeplerPredictOptions {
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
}

interface CompiledComponent {
  kind: KeplerPredictorKind;
  bias: number;
  /** Linear terms that Kepler does not skip: weight ≠ 0 and divisor ≠ 0. */
  cols: Int32Array;
  weights: Float64Array;
  centers: Float64Array;
  divisors: Float64Array;
  /** Curve fits: column, center, divisor of the first feature; col -1 when it is skipped (x'0 = 0). */
  x0Col: number;
  x0Center: number;
  x0Divisor: number;
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

  private readonly compiled: CompiledComponent[];
  private readonly fillCols: { package: number; core: number; uncore: number } | undefined;
  private readonly zeros: Float64Array;
  /** Compiled on first use when every component is linear (see linear-kernel.ts). */
  private kernel: LinearKernel | undefined;
  private readonly bases: Float64Array;

  constructor(
    readonly weights: KeplerWeights,
    options: KeplerPowerModelOptions = {},
  ) {
    this.trainer = options.trainer;
    this.modelCores = options.modelCores ?? weights.modelCores;
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
    this.compiled = weights.components.map((c) => {
      const terms = c.features.filter((f) => f.weight !== 0 && f.divisor !== 0);
      const first = c.features[0];
      const x0Usable = first !== undefined && first.divisor !== 0;
      return {
        kind,
        bias: kind === 'linear' ? c.bias : 0,
        cols: Int32Array.from(terms, (f) => features.indexOf(f.name)),
        weights: Float64Array.from(terms, (f) => f.weight),
        centers: Float64Array.from(terms, (f) => f.center),
        divisors: Float64Array.from(terms, (f) => f.divisor),
        x0Col: x0Usable ? features.indexOf(first.name) : -1,
        x0Center: x0Usable ? first.center : 0,
        x0Divisor: x0Usable ? first.divisor : 1,
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
    this.predictRaw(idle ? this.zeros : input!, idle ? 0 : this.features.length, rows, out, options.system);
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

  /** Convenience for CLIs: one object per row, watts per component. Unknown feature names are rejected. */
  predictRows(rows: readonly KeplerRowInput[], options: { idle?: boolean } = {}): Record<string, number>[] {
    const nf = this.features.length;
    const input = new Float64Array(Math.max(1, rows.length * nf));
    const out = new Float64Array(this.outputs.length);
    const system = new Int32Array(this.categorical.length);
    return rows.map((row, r) => {
      const x = input.subarray(r * nf, (r + 1) * nf);
      for (const [name, value] of Object.entries(row.features)) {
        const j = this.features.indexOf(name);
        if (j < 0) {
          throw new KeplerInputError(
            `row ${r}: unknown feature "${name}"; this model uses ${this.features.map((f) => `"${f}"`).join(', ')}`,
          );
        }
        if (typeof value !== 'number') {
          throw new KeplerInputError(
            `row ${r}: feature "${name}" must be a number, got ${JSON.stringify(value)}`,
          );
        }
        x[j] = value;
      }
      this.categorical.forEach((v, i) => {
        const value = row.system?.[v.name];
        system[i] = value === undefined ? -1 : v.values.indexOf(value);
      });
      this.predictInto(x, 1, out, { idle: options.idle, system, cores: row.cores });
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
      for (let r = 0, base = r * stride; r < rows; r++, base += stride) {
        const p0 = perRowSystem ? addCategorical(m, m.bias, system!, r * nCat, nCat) : sharedBase;
        let p: number;
        if (m.kind === 'linear') {
          p = p0;
          for (let t = 0; t < nTerms; t++) {
            p += weights[t]! * ((input[base + cols[t]!]! - centers[t]!) / divisors[t]!);
          }
        } else {
          const x0 = m.x0Col < 0 ? 0 : (input[base + m.x0Col]! - m.x0Center) / m.x0Divisor;
          p = curve(m.kind, m.curve, p0, x0);
        }
        out[r * nOut + c] = p;
      }
    }
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
