// The batch runtime against an independent, straightforward per-row reading of Kepler's Go code,
// on random weight files (all predictors, skipped features, categoricals) and random inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeplerWeights } from '../../src/kepler/codec.ts';

type Feature = { scale: number; weight?: number };
type Component = {
  All_Weights: {
    Bias_Weight?: number;
    Categorical_Variables: Record<string, Record<string, { weight: number }>>;
    Numerical_Variables: Record<string, Feature>;
    CurveFit_Weights?: number[];
  };
};
type WeightsJson = Record<string, Component>;
const TRAINERS = [
  'SGDRegressorTrainer',
  'LogarithmicRegressionTrainer',
  'ExponentialRegressionTrainer',
  'LogisticRegressionTrainer',
] as const;

/** Per row, per component, in the words of Kepler's linear.go / logarithm.go / … and utils.FillNodeComponentsPower. */
function naivePredict(
  w: WeightsJson,
  trainer: string,
  featureNames: string[],
  row: Record<string, number>,
  system: Record<string, string>,
  idle: boolean,
  coreRatio: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [component, { All_Weights: a }] of Object.entries(w)) {
    let categorical = 0;
    for (const [variable, values] of Object.entries(a.Categorical_Variables)) {
      categorical += values[system[variable] ?? '']?.weight ?? 0;
    }
    const xs = featureNames.map((name) => {
      const f = a.Numerical_Variables[name];
      const v = idle ? 0 : (row[name] ?? 0);
      return f === undefined || f.scale === 0 ? 0 : v / f.scale;
    });
    const own = Object.keys(a.Numerical_Variables);
    const x0 =
      own.length === 0 || a.Numerical_Variables[own[0]!]!.scale === 0
        ? 0
        : xs[featureNames.indexOf(own[0]!)]!;
    const c = a.CurveFit_Weights ?? [];
    let p: number;
    if (trainer === 'LogarithmicRegressionTrainer')
      p = categorical + c[0]! * Math.log(c[1]! * x0 + 1) + c[2]!;
    else if (trainer === 'ExponentialRegressionTrainer')
      p = categorical + c[0]! * Math.exp(c[1]! * x0) + c[2]!;
    else if (trainer === 'LogisticRegressionTrainer')
      p = categorical + c[0]! / (1 + Math.exp(-c[2]! * (x0 - c[1]!))) + c[3]!;
    else {
      p = a.Bias_Weight! + categorical;
      for (const name of own) {
        const f = a.Numerical_Variables[name]!;
        if (f.weight === 0) continue;
        p += f.weight! * xs[featureNames.indexOf(name)]!;
      }
    }
    out[component] = p * (idle ? coreRatio : 1);
  }
  const has = (k: string) => k in out;
  if (has('package') || has('core') || has('uncore')) {
    const core = out.core ?? 0;
    const uncore = out.uncore ?? 0;
    let pkg = out.package ?? 0;
    if (pkg < core + uncore) pkg = core + uncore;
    if (has('package')) out.package = pkg;
    if (core === 0 && has('core')) out.core = pkg - uncore;
  }
  return out;
}

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const FEATURES = ['bpf_block_irq', 'bpf_cpu_time_ms', 'cache_miss', 'cpu_cycles', 'cpu_instructions'];

const modelArb = fc.constantFrom(...TRAINERS).chain((trainer) => {
  const curveCount = trainer === 'LogisticRegressionTrainer' ? 4 : trainer === 'SGDRegressorTrainer' ? 0 : 3;
  const curveValue =
    trainer === 'LogarithmicRegressionTrainer'
      ? finite(0, 50)
      : trainer === 'ExponentialRegressionTrainer'
        ? finite(-2, 2)
        : finite(-100, 100);
  const component = fc.record({
    // zeros are frequent in real files (core/uncore models are all-zero) and drive Kepler's fill-in
    bias: fc.oneof(finite(-200, 200), fc.constant(0)),
    features: fc.subarray(FEATURES, { minLength: 0 }),
    scales: fc.array(fc.oneof(finite(0.001, 1e6), fc.constant(0)), { minLength: 5, maxLength: 5 }),
    weights: fc.array(fc.oneof(finite(-500, 500), fc.constant(0)), { minLength: 5, maxLength: 5 }),
    arch: fc.dictionary(fc.constantFrom('Sky Lake', 'Coffee Lake', 'Zen'), finite(-20, 20)),
    curve: fc.array(fc.oneof(curveValue, fc.constant(0)), { minLength: curveCount, maxLength: curveCount }),
  });
  return fc.record({
    trainer: fc.constant(trainer),
    components: fc
      .subarray(['package', 'core', 'uncore', 'dram'], { minLength: 1 })
      .chain((names) => fc.tuple(...names.map((n) => component.map((c) => [n, c] as const)))),
  });
});

type GeneratedModel = typeof modelArb extends fc.Arbitrary<infer T> ? T : never;

function toJson(model: GeneratedModel): WeightsJson {
  const w: WeightsJson = {};
  for (const [name, c] of model.components) {
    const curve = c.curve.length > 0;
    const numerical: Record<string, Feature> = {};
    c.features.forEach((f, i) => {
      numerical[f] = curve ? { scale: c.scales[i]! } : { scale: c.scales[i]!, weight: c.weights[i]! };
    });
    const categorical: Component['All_Weights']['Categorical_Variables'] = Object.keys(c.arch).length
      ? { cpu_architecture: Object.fromEntries(Object.entries(c.arch).map(([k, v]) => [k, { weight: v }])) }
      : {};
    w[name] = {
      All_Weights: curve
        ? { Categorical_Variables: categorical, Numerical_Variables: numerical, CurveFit_Weights: c.curve }
        : { Bias_Weight: c.bias, Categorical_Variables: categorical, Numerical_Variables: numerical },
    };
  }
  return w;
}

describe('batch runtime = per-row reference', () => {
  it('agrees on random models, inputs, system values, idle and core ratios (1000 cases)', () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(fc.array(finite(0, 1e7), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('Sky Lake', 'Coffee Lake', 'Zen', 'Unknown'),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 256 })),
        (model, rows, arch, idle, cores) => {
          const json = toJson(model);
          const m = decodeKeplerWeights(JSON.stringify(json), { trainer: model.trainer, modelCores: 64 });
          const input = new Float64Array(rows.length * m.features.length);
          const records = rows.map((values, r) => {
            const rec = Object.fromEntries(FEATURES.map((f, i) => [f, values[i]!]));
            m.features.forEach((f, j) => {
              input[r * m.features.length + j] = rec[f]!;
            });
            return rec;
          });
          const system = Int32Array.of(
            ...(m.categorical.length ? [m.categoryIndex('cpu_architecture', arch)] : []),
          );
          const out = m.predictInto(input, rows.length, new Float64Array(rows.length * m.outputs.length), {
            idle,
            system,
            cores: cores ?? undefined,
            curveInput: 'first-feature', // the reference reads Kepler's Go x[0] (features in file order)
          });
          const coreRatio = cores ? Math.min(cores / 64, 1) : 1;
          records.forEach((rec, r) => {
            const expected = naivePredict(
              json,
              model.trainer,
              [...m.features],
              rec,
              { cpu_architecture: arch },
              idle,
              coreRatio,
            );
            m.outputs.forEach((name, c) => {
              expect(Object.is(out[r * m.outputs.length + c], expected[name])).toBe(true);
            });
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('per-row system values match one call per row with shared values', () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(
          fc.tuple(fc.array(finite(0, 1e6), { minLength: 5, maxLength: 5 }), fc.integer({ min: -1, max: 3 })),
          {
            minLength: 2,
            maxLength: 8,
          },
        ),
        (model, rows) => {
          const m = decodeKeplerWeights(JSON.stringify(toJson(model)), { trainer: model.trainer });
          if (m.categorical.length !== 1) return;
          const nf = m.features.length;
          const input = new Float64Array(rows.length * nf);
          for (const [r, [v]] of rows.entries()) {
            for (const [j, f] of m.features.entries()) input[r * nf + j] = v[FEATURES.indexOf(f)]!;
          }
          const system = Int32Array.from(rows, ([, idx]) => idx);
          const batch = m.predictInto(input, rows.length, new Float64Array(rows.length * m.outputs.length), {
            system,
          });
          rows.forEach(([, idx], r) => {
            const one = m.predictInto(input.subarray(r * nf), 1, new Float64Array(m.outputs.length), {
              system: Int32Array.of(idx),
            });
            expect([...batch.subarray(r * m.outputs.length, (r + 1) * m.outputs.length)]).toEqual([...one]);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
