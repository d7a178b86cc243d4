// Writes weight JSON in Kepler's current schema, so a model trained here runs in Kepler's own Go estimator.
// Bytes are deterministic and shaped like Kepler's Python exporter output: components in Kepler's order
// (package, core, uncore, dram, platform, then any other name sorted), features sorted, json.dumps spacing
// (", " and ": "), ASCII-only strings and Python float repr ("1.0", "1e-05").
import { KeplerWeightsError, showValue } from './errors.ts';
import { pythonFloatRepr } from './python-float.ts';
import { KEPLER_COMPONENTS, type KeplerWeights } from './weights-schema.ts';

export interface KeplerFeatureSpec {
  name: string;
  /** Max-abs scale: Kepler computes x' = x / scale (0 = feature ignored). */
  scale: number;
  /** Linear weight; omitted for curve fits. */
  weight?: number;
}

export interface KeplerComponentSpec {
  /** Linear intercept (Bias_Weight); omitted for curve fits. */
  bias?: number;
  features: KeplerFeatureSpec[];
  /** {"cpu_architecture": {"Sky Lake": 1.5}} → weight added when the node has that value. */
  categorical?: Record<string, Record<string, number>>;
  /** Curve-fit parameters (3 for log/exp, 4 for logistic); makes the component a curve fit. */
  curveFit?: number[];
}

export interface KeplerWeightsSpec {
  components: Record<string, KeplerComponentSpec>;
}

const ENCODE_PATH = '<encode>';

/** Serialises `spec` in Kepler's current weight schema. Throws KeplerWeightsError on values JSON/Go cannot carry. */
export function encodeKeplerWeights(spec: KeplerWeightsSpec): Uint8Array {
  const names = Object.keys(spec.components);
  if (names.length === 0) throw new KeplerWeightsError(ENCODE_PATH, 'no components to encode');
  const order = (n: string) => {
    const i = (KEPLER_COMPONENTS as readonly string[]).indexOf(n);
    return i < 0 ? KEPLER_COMPONENTS.length : i;
  };
  names.sort((a, b) => order(a) - order(b) || compareCodePoints(a, b));
  const body = names.map((name) => `${str(name)}: ${encodeComponent(name, spec.components[name]!)}`);
  return new TextEncoder().encode(`{${body.join(', ')}}`);
}

function encodeComponent(component: string, c: KeplerComponentSpec): string {
  const curve = c.curveFit !== undefined && c.curveFit.length > 0;
  const n = (value: number | undefined, key: string, feature?: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new KeplerWeightsError(ENCODE_PATH, 'value must be a finite number', {
        component,
        feature,
        key,
        value,
      });
    }
    return pythonFloatRepr(value);
  };
  const categorical = Object.keys(c.categorical ?? {})
    .sort(compareCodePoints)
    .map((variable) => {
      const values = c.categorical![variable]!;
      const entries = Object.keys(values)
        .sort(compareCodePoints)
        .map((v) => `${str(v)}: {"weight": ${n(values[v], 'weight', variable)}}`);
      return `${str(variable)}: {${entries.join(', ')}}`;
    });
  const seen = new Set<string>();
  const features = [...c.features].sort((a, b) => compareCodePoints(a.name, b.name));
  const numerical = features.map((f) => {
    if (!f.name || seen.has(f.name)) {
      throw new KeplerWeightsError(ENCODE_PATH, 'feature names must be unique and non-empty', {
        component,
        value: f.name,
      });
    }
    seen.add(f.name);
    const scale = `"scale": ${n(f.scale, 'scale', f.name)}`;
    return `${str(f.name)}: {${curve ? scale : `${scale}, "weight": ${n(f.weight, 'weight', f.name)}`}}`;
  });
  const cat = `"Categorical_Variables": {${categorical.join(', ')}}`;
  const num = `"Numerical_Variables": {${numerical.join(', ')}}`;
  if (curve) {
    const fit = c.curveFit!.map((v, i) => n(v, `CurveFit_Weights[${i}]`));
    return `{"All_Weights": {${cat}, ${num}, "CurveFit_Weights": [${fit.join(', ')}]}}`;
  }
  return `{"All_Weights": {"Bias_Weight": ${n(c.bias, 'Bias_Weight')}, ${cat}, ${num}}}`;
}

/**
 * The spec that encodes `weights` in the current schema. Oldest-schema linear features
 * (x - mean) / sqrt(variance) become scale = sqrt(variance) with weight·mean/sqrt(variance) folded into the
 * bias (equal up to float rounding); zero-variance features get scale 0 (ignored, as the runtime does).
 */
export function keplerWeightsToSpec(weights: KeplerWeights): KeplerWeightsSpec {
  const components: Record<string, KeplerComponentSpec> = {};
  for (const c of weights.components) {
    let bias = c.bias;
    const features = c.features.map((f) => {
      if (f.center !== 0 && f.divisor !== 0) {
        if (c.kind === 'curvefit') {
          throw new KeplerWeightsError(
            ENCODE_PATH,
            'a centred curve-fit feature has no current-schema form',
            {
              component: c.name,
              feature: f.name,
              key: 'mean',
              value: f.center,
            },
          );
        }
        bias -= (f.weight * f.center) / f.divisor;
      }
      return c.kind === 'curvefit'
        ? { name: f.name, scale: f.divisor }
        : { name: f.name, scale: f.divisor, weight: f.weight };
    });
    const categorical = Object.fromEntries(
      c.categorical.map((v) => [v.name, Object.fromEntries(v.values.map((x) => [x.value, x.weight]))]),
    );
    components[c.name] =
      c.kind === 'curvefit'
        ? { features, categorical, curveFit: [...c.curveFit] }
        : { bias, features, categorical };
  }
  return { components };
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON string with json.dumps' default ensure_ascii escaping. */
function str(s: string): string {
  if (typeof s !== 'string')
    throw new KeplerWeightsError(ENCODE_PATH, `name must be a string, got ${showValue(s)}`);
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (ch) =>
    ch === '\u007f' ? ch : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
