// Fitted models that Kepler's own estimator can run: linear (Bias_Weight + Σ weight · x/scale) and the three
// one-feature curve fits. predict() follows Kepler's Go arithmetic term by term (features in sorted order,
// zero weights and zero scales skipped), so the exported weight file predicts exactly what the trainer does.
import {
  encodeKeplerWeights,
  type KeplerComponentSpec,
  type KeplerCurveKind,
  keplerCurve,
  sidecarMainFeatureIndex,
} from '@modelshelf/formats';
import type { ExportedModel, FitOptions, FittedComponent, Matrix } from './types.ts';

export const KEPLER_WEIGHTS_FILE = 'weights.json';

export type CurveKind = KeplerCurveKind;

export class KeplerLinearFit implements FittedComponent {
  constructor(
    readonly features: readonly string[],
    readonly scale: Float64Array,
    readonly bias: number,
    /** Weight per column, applied to x / scale. */
    readonly weights: Float64Array,
  ) {}

  predict(x: Matrix): Float64Array {
    const terms = sortedColumns(this.features).filter((c) => this.weights[c] !== 0 && this.scale[c] !== 0);
    const out = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      let p = this.bias;
      for (const c of terms) p += this.weights[c]! * (x.data[r * x.cols + c]! / this.scale[c]!);
      out[r] = p;
    }
    return out;
  }

  spec(): KeplerComponentSpec {
    return {
      bias: this.bias,
      features: this.features.map((name, c) => ({ name, scale: this.scale[c]!, weight: this.weights[c]! })),
    };
  }
}

/** The curve's value at the scaled first feature: Kepler's own formula (shared with the runtime), base 0. */
export function curveValue(kind: CurveKind, p: ArrayLike<number>, x0: number): number {
  return keplerCurve(kind, p, x0);
}

/**
 * The column a curve fit of `component` reads: the main feature of the model's feature group, as
 * kepler-model-server's trainer fits it and its sidecar serves it (main_feature in train_types.py);
 * the first feature in sorted order when the features fit no known group.
 */
export function curveColumn(features: readonly string[], component: string | undefined): number {
  const sorted = sortedColumns(features);
  const main = sidecarMainFeatureIndex(
    sorted.map((c) => features[c]!),
    component ?? '',
  );
  return sorted[main ?? 0]!;
}

export class KeplerCurveFit implements FittedComponent {
  constructor(
    readonly kind: CurveKind,
    readonly features: readonly string[],
    readonly scale: Float64Array,
    /** log/exp: [a, b, c]; logistic: [A, x0, k, off] (Kepler's CurveFit_Weights order). */
    readonly params: Float64Array,
    /** Column of the one feature the curve reads (see curveColumn). */
    readonly column: number,
  ) {}

  predict(x: Matrix): Float64Array {
    const out = new Float64Array(x.rows);
    const s = this.scale[this.column]!;
    for (let r = 0; r < x.rows; r++) {
      const x0 = s === 0 ? 0 : x.data[r * x.cols + this.column]! / s;
      out[r] = curveValue(this.kind, this.params, x0);
    }
    return out;
  }

  spec(): KeplerComponentSpec {
    return {
      features: this.features.map((name, c) => ({ name, scale: this.scale[c]! })),
      curveFit: Array.from(this.params),
    };
  }
}

/** Column indices in code-point order of their names: Kepler's feature order. */
export function sortedColumns(features: readonly string[]): number[] {
  return features
    .map((_, i) => i)
    .sort((a, b) => (features[a]! < features[b]! ? -1 : features[a]! > features[b]! ? 1 : 0));
}

/** One kepler-weights file holding every component. */
export function exportKeplerWeights(
  trainer: string,
  components: Record<string, FittedComponent>,
  options: FitOptions,
): ExportedModel {
  const specs: Record<string, KeplerComponentSpec> = {};
  for (const [name, fit] of Object.entries(components)) {
    if (!(fit instanceof KeplerLinearFit) && !(fit instanceof KeplerCurveFit)) {
      throw new TypeError(
        `${trainer}.export: component "${name}" was not fitted by ${trainer}; export each trainer's own fits`,
      );
    }
    if (fit.features.join('\u0000') !== options.features.join('\u0000')) {
      throw new RangeError(
        `${trainer}.export: component "${name}" was fitted on features [${fit.features.join(', ')}] but options.features is [${options.features.join(', ')}]`,
      );
    }
    specs[name] = fit.spec();
  }
  return {
    files: [{ path: KEPLER_WEIGHTS_FILE, data: encodeKeplerWeights({ components: specs }) }],
    formats: [{ name: 'kepler-weights', files: [KEPLER_WEIGHTS_FILE] }],
    modelClass: Object.values(components).some((c) => c instanceof KeplerCurveFit) ? 'curvefit' : 'scikit',
  };
}
