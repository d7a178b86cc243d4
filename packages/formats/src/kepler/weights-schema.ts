// Reads Kepler weight JSON in all three schemas found in the wild into one normalised, validated form.
//
//   1. current: per feature {"scale": s, "weight": w}                       → x' = x / s
//   2. v0.6:    per feature {"scale": s, "mean": 0, "variance": 0, ...}       → x' = x / s (mean/variance are dummies)
//   3. oldest:  per feature {"mean": m, "variance": v, "weight": w}, no scale → x' = (x - m) / sqrt(v)
// Curve-fit components carry "CurveFit_Weights" and no Bias_Weight / per-feature weight.
// A feature that has "scale" uses it (schemas 1 and 2); only a feature without "scale" uses mean/variance.
import { z } from 'zod';
import { KeplerWeightsError } from './errors.ts';
import { CURVE_FIT_WEIGHT_COUNT, type KeplerPredictorKind } from './trainer.ts';
import { POWER_COMPONENTS } from './vocabulary.ts';

/** Component names Kepler's Go estimator knows (energy sources rapl-sysfs and acpi). */
export const KEPLER_COMPONENTS = POWER_COMPONENTS;

export type KeplerSchema = 'current' | 'v0.6' | 'mean-variance';

export interface KeplerNumericalFeature {
  name: string;
  /** 0 for curve-fit components (they have no per-feature weight). */
  weight: number;
  /** x' = (x - center) / divisor. Scale schemas: center 0, divisor = scale. Oldest: center = mean, divisor = sqrt(variance). */
  center: number;
  divisor: number;
  schema: KeplerSchema;
}

export interface KeplerCategoricalVariable {
  /** System feature name, e.g. "cpu_architecture". */
  name: string;
  /** Weight per value, in file order. */
  values: { value: string; weight: number }[];
}

export interface KeplerComponentWeights {
  name: string;
  /** 'linear' when the component has no CurveFit_Weights, 'curvefit' otherwise. */
  kind: 'linear' | 'curvefit';
  bias: number;
  /** In file order, which is Kepler's sorted feature order; curve fits use only the first. */
  features: KeplerNumericalFeature[];
  categorical: KeplerCategoricalVariable[];
  curveFit: number[];
}

export interface KeplerWeights {
  /** Components in file order. */
  components: KeplerComponentWeights[];
  /** Top-level `model_name` if the file carries one (server responses do). */
  modelName?: string;
  /** Top-level `machine_spec.cores` if present: the core count the model was trained on. */
  modelCores?: number;
}

export interface ParseKeplerWeightsOptions {
  /** Named in errors. */
  path?: string;
  /** When given, curve-fit weight counts and linear/curve consistency are checked against it. */
  predictor?: KeplerPredictorKind;
}

const num = z.number();
const numericalFeatureSchema = z.looseObject({
  scale: num.optional(),
  weight: num.optional(),
  mean: num.optional(),
  variance: num.optional(),
});
const allWeightsSchema = z.looseObject({
  Bias_Weight: num.optional(),
  Categorical_Variables: z
    .record(z.string(), z.record(z.string(), z.looseObject({ weight: num })))
    .optional(),
  Numerical_Variables: z.record(z.string(), numericalFeatureSchema),
  CurveFit_Weights: z.array(num).optional(),
});
const componentSchema = z.looseObject({ All_Weights: allWeightsSchema });

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses bytes or text of a weight file. Throws KeplerWeightsError naming the bad component/feature/key/value. */
export function parseKeplerWeightsJson(
  bytes: Uint8Array | string,
  options: ParseKeplerWeightsOptions = {},
): KeplerWeights {
  const path = options.path ?? '<weights>';
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KeplerWeightsError(path, `not valid JSON: ${(err as Error).message}`, {
      hint: 'a Kepler weight file is one JSON object keyed by component',
    });
  }
  return parseKeplerWeights(json, options);
}

/** Validates an already-parsed JSON value. Unknown top-level keys (model_name, machine_spec, mae, …) are ignored. */
export function parseKeplerWeights(json: unknown, options: ParseKeplerWeightsOptions = {}): KeplerWeights {
  const path = options.path ?? '<weights>';
  if (!isPlainObject(json)) {
    throw new KeplerWeightsError(path, 'top level must be a JSON object keyed by component', { value: json });
  }
  const components: KeplerComponentWeights[] = [];
  for (const [key, value] of Object.entries(json)) {
    const known = (KEPLER_COMPONENTS as readonly string[]).includes(key);
    const hasWeights = isPlainObject(value) && 'All_Weights' in value;
    if (!hasWeights) {
      if (!known) continue; // model_name, machine_spec, mae, … and anything else that is not a component
      throw new KeplerWeightsError(path, 'component has no "All_Weights" object', {
        component: key,
        key: 'All_Weights',
        value,
        hint:
          isPlainObject(value) && 'model_file' in value
            ? 'this is the component index of a Kepler model archive (pickled scikit models), not a weight file'
            : 'expected {"All_Weights": {"Bias_Weight": …, "Numerical_Variables": {…}}}',
      });
    }
    components.push(parseComponent(path, key, value, options.predictor));
  }
  if (components.length === 0) {
    throw new KeplerWeightsError(path, 'no components found', {
      value: Object.keys(json),
      hint: `expected top-level keys such as ${KEPLER_COMPONENTS.map((c) => `"${c}"`).join(', ')} holding "All_Weights"`,
    });
  }
  const result: KeplerWeights = { components };
  if (typeof json.model_name === 'string') result.modelName = json.model_name;
  const spec = json.machine_spec;
  if (isPlainObject(spec) && typeof spec.cores === 'number' && spec.cores > 0) result.modelCores = spec.cores;
  return result;
}

function parseComponent(
  path: string,
  name: string,
  value: unknown,
  predictor: KeplerPredictorKind | undefined,
): KeplerComponentWeights {
  const parsed = componentSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw issueError(path, name, value, issue.path, issue.message);
  }
  const w = parsed.data.All_Weights;
  const curveFit = w.CurveFit_Weights ?? [];
  const kind = curveFit.length > 0 ? 'curvefit' : 'linear';
  checkAgainstPredictor(path, name, kind, curveFit, predictor);
  if (kind === 'linear' && w.Bias_Weight === undefined) {
    throw new KeplerWeightsError(path, 'linear component has no Bias_Weight', {
      component: name,
      key: 'Bias_Weight',
      hint: 'a curve-fit component needs a non-empty "CurveFit_Weights" instead',
    });
  }
  const features: KeplerNumericalFeature[] = [];
  for (const [feature, f] of Object.entries(w.Numerical_Variables)) {
    features.push(parseFeature(path, name, feature, f, kind));
  }
  const categorical = Object.entries(w.Categorical_Variables ?? {}).map(([variable, values]) => ({
    name: variable,
    values: Object.entries(values).map(([v, { weight }]) => ({ value: v, weight })),
  }));
  return { name, kind, bias: w.Bias_Weight ?? 0, features, categorical, curveFit };
}

function parseFeature(
  path: string,
  component: string,
  feature: string,
  f: z.infer<typeof numericalFeatureSchema>,
  kind: 'linear' | 'curvefit',
): KeplerNumericalFeature {
  if (kind === 'linear' && f.weight === undefined) {
    throw new KeplerWeightsError(path, 'linear feature has no weight', { component, feature, key: 'weight' });
  }
  const weight = kind === 'linear' ? f.weight! : 0;
  if (f.scale !== undefined) {
    const v06 = f.mean !== undefined || f.variance !== undefined;
    return { name: feature, weight, center: 0, divisor: f.scale, schema: v06 ? 'v0.6' : 'current' };
  }
  if (f.mean === undefined || f.variance === undefined) {
    throw new KeplerWeightsError(path, 'feature has neither "scale" nor both "mean" and "variance"', {
      component,
      feature,
      key: f.mean === undefined ? 'mean' : 'variance',
      hint: 'current files give {"scale": s, "weight": w}; the oldest give {"mean": m, "variance": v, "weight": w}',
    });
  }
  if (f.variance < 0) {
    throw new KeplerWeightsError(path, 'variance must not be negative', {
      component,
      feature,
      key: 'variance',
      value: f.variance,
    });
  }
  // variance 0 gives divisor 0, which the runtime skips like a zero scale (see power-model.ts).
  return { name: feature, weight, center: f.mean, divisor: Math.sqrt(f.variance), schema: 'mean-variance' };
}

/** Throws when a component cannot be evaluated by `predictor` (Kepler refuses such weights at start-up). */
export function checkAgainstPredictor(
  path: string,
  component: string,
  kind: 'linear' | 'curvefit',
  curveFit: number[],
  predictor: KeplerPredictorKind | undefined,
): void {
  if (predictor === undefined) return;
  if (predictor === 'linear') {
    if (kind === 'curvefit') {
      throw new KeplerWeightsError(
        path,
        'the trainer selects the linear predictor but the file holds a curve fit',
        {
          component,
          key: 'CurveFit_Weights',
          value: curveFit,
          hint: 'name the curve-fit trainer (e.g. LogarithmicRegressionTrainer) explicitly or in the file name',
        },
      );
    }
    return;
  }
  const expected = CURVE_FIT_WEIGHT_COUNT[predictor];
  if (curveFit.length !== expected) {
    throw new KeplerWeightsError(
      path,
      `the ${predictor} predictor needs exactly ${expected} CurveFit_Weights, got ${curveFit.length}`,
      {
        component,
        key: 'CurveFit_Weights',
        value: curveFit,
      },
    );
  }
}

/** Turns a zod issue inside one component into an error naming the feature, key and the value found there. */
function issueError(
  path: string,
  component: string,
  value: unknown,
  issuePath: readonly PropertyKey[],
  message: string,
): KeplerWeightsError {
  const keys = issuePath.map(String);
  let found: unknown = value;
  for (const k of keys)
    found = isPlainObject(found) || Array.isArray(found) ? (found as never)[k] : undefined;
  // ["All_Weights", "Numerical_Variables", "<feature>", "<key>"] or ["All_Weights", "Categorical_Variables", "<var>", "<value>", "weight"]
  const section = keys[1];
  const feature =
    section === 'Numerical_Variables' || section === 'Categorical_Variables' ? keys[2] : undefined;
  const key = keys.slice(feature !== undefined ? 3 : 1).join('.') || keys.join('.');
  return new KeplerWeightsError(path, message, { component, feature, key: key || undefined, value: found });
}
