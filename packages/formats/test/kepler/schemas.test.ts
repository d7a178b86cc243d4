// The three weight schemas describe the same model the same way; malformed files are refused by name.
import { describe, expect, it } from 'vitest';
import { decodeKeplerWeights } from '../../src/kepler/codec.ts';
import { KeplerWeightsError } from '../../src/kepler/errors.ts';
import { parseKeplerWeightsJson } from '../../src/kepler/weights-schema.ts';

// One model: package = 50 + 12·(cpu/4) − 3·(miss/0.5); dram = 7 + 2·(cpu/4). Scales chosen so sqrt(scale²) is exact.
const model = {
  package: { bias: 50, cpu: { scale: 4, weight: 12 }, miss: { scale: 0.5, weight: -3 } },
  dram: { bias: 7, cpu: { scale: 4, weight: 2 }, miss: { scale: 0.5, weight: 0 } },
};
type Shape = (f: { scale: number; weight: number }) => Record<string, number>;
function file(shape: Shape, extra: Record<string, unknown> = {}): string {
  const json: Record<string, unknown> = { ...extra };
  for (const [name, c] of Object.entries(model)) {
    json[name] = {
      All_Weights: {
        Bias_Weight: c.bias,
        Categorical_Variables: {},
        Numerical_Variables: { bpf_cpu_time_ms: shape(c.cpu), cache_miss: shape(c.miss) },
      },
    };
  }
  return JSON.stringify(json);
}
const current = file((f) => ({ scale: f.scale, weight: f.weight }));
const v06 = file((f) => ({ scale: f.scale, mean: 0, variance: 0, weight: f.weight }), {
  model_name: 'SGDRegressorTrainer_3',
  mae: 1.5,
  machine_spec: { cores: 32 },
});
const oldest = file((f) => ({ mean: 0, variance: f.scale * f.scale, weight: f.weight }));

describe('three schemas, one model', () => {
  const rows = [
    [0, 0],
    [1000, 3],
    [7.25, 1e6],
    [-2, 0.125],
  ];
  const input = Float64Array.from(rows.flat());

  it('give bit-identical predictions', () => {
    const [a, b, c] = [current, v06, oldest].map((f) => decodeKeplerWeights(f).predict(input, rows.length));
    expect([...b!]).toEqual([...a!]);
    expect([...c!]).toEqual([...a!]);
    expect(a![2]).toBe(50 + 12 * (1000 / 4) - 3 * (3 / 0.5)); // row 1 package, by hand
  });

  it('records which schema each feature used and ignores unknown top-level keys', () => {
    expect(parseKeplerWeightsJson(current).components[0]!.features[0]!.schema).toBe('current');
    const parsed = parseKeplerWeightsJson(v06);
    expect(parsed.components.map((c) => c.name)).toEqual(['package', 'dram']);
    expect(parsed.components[0]!.features[0]!.schema).toBe('v0.6');
    expect(parsed.modelName).toBe('SGDRegressorTrainer_3');
    expect(parsed.modelCores).toBe(32);
    expect(parseKeplerWeightsJson(oldest).components[0]!.features[0]!.schema).toBe('mean-variance');
  });

  it('centres the oldest schema by its mean', () => {
    const centred = file((f) => ({ mean: 10, variance: f.scale * f.scale, weight: f.weight }));
    const [row] = decodeKeplerWeights(centred).predictRows([
      { features: { bpf_cpu_time_ms: 30, cache_miss: 10 } },
    ]);
    expect(row!.package).toBe(50 + 12 * ((30 - 10) / 4) - 3 * ((10 - 10) / 0.5));
  });

  it('skips zero-scale and zero-variance features and treats missing model features as scale 0', () => {
    const zero = file((f) => ({ scale: f.weight === 12 ? 0 : f.scale, weight: f.weight }));
    const zeroVar = file((f) => ({
      mean: 5,
      variance: f.weight === 12 ? 0 : f.scale * f.scale,
      weight: f.weight,
    }));
    for (const f of [zero, zeroVar]) {
      const [row] = decodeKeplerWeights(f).predictRows([
        { features: { bpf_cpu_time_ms: 1e9, cache_miss: 0 } },
      ]);
      expect(Number.isFinite(row!.package)).toBe(true);
      expect(row!.package).toBeLessThan(1e6); // the 1e9 input on the skipped feature did not count
    }
  });
});

describe('malformed weight files', () => {
  const comp = (allWeights: Record<string, unknown>) =>
    JSON.stringify({ package: { All_Weights: allWeights } });
  const linear = (numerical: Record<string, unknown>, more: Record<string, unknown> = {}) =>
    comp({ Bias_Weight: 1, Categorical_Variables: {}, Numerical_Variables: numerical, ...more });
  const cases: [string, string, RegExp, Partial<KeplerWeightsError>, string?][] = [
    ['invalid JSON (Python NaN)', '{"package": {"All_Weights": {"Bias_Weight": NaN}}}', /not valid JSON/, {}],
    ['a top-level array', '[1, 2]', /top level must be a JSON object/, { value: [1, 2] }],
    ['no components', '{"model_name": "x", "mae": 3}', /no components found/, {}],
    [
      'a component without All_Weights',
      '{"dram": {"weights": 1}}',
      /no "All_Weights"/,
      { component: 'dram', key: 'All_Weights' },
    ],
    [
      'a non-numeric weight',
      linear({ cpu_cycles: { scale: 1, weight: 'abc' } }),
      /found "abc"/,
      { component: 'package', feature: 'cpu_cycles', key: 'weight', value: 'abc' },
    ],
    [
      'a non-numeric scale',
      linear({ cpu_cycles: { scale: null, weight: 1 } }),
      /found null/,
      { feature: 'cpu_cycles', key: 'scale', value: null },
    ],
    [
      'a string bias',
      linear({}, { Bias_Weight: '3' }),
      /found "3"/,
      { component: 'package', key: 'Bias_Weight', value: '3' },
    ],
    [
      'a linear component without bias',
      comp({ Numerical_Variables: {} }),
      /no Bias_Weight/,
      { key: 'Bias_Weight' },
    ],
    [
      'a feature without weight',
      linear({ cpu_cycles: { scale: 2 } }),
      /has no weight/,
      { feature: 'cpu_cycles', key: 'weight' },
    ],
    [
      'a feature without scale or mean/variance',
      linear({ cpu_cycles: { weight: 2, mean: 1 } }),
      /neither "scale"/,
      { key: 'variance' },
    ],
    [
      'a negative variance',
      linear({ x: { weight: 2, mean: 1, variance: -4 } }),
      /must not be negative/,
      { value: -4 },
    ],
    [
      'a non-numeric categorical weight',
      linear({}, { Categorical_Variables: { cpu_architecture: { 'Sky Lake': { weight: 'hi' } } } }),
      /found "hi"/,
      { feature: 'cpu_architecture', key: 'Sky Lake.weight', value: 'hi' },
    ],
    [
      'a logarithmic fit with 4 weights',
      comp({ Numerical_Variables: { x: { scale: 1 } }, CurveFit_Weights: [1, 2, 3, 4] }),
      /logarithmic predictor needs exactly 3 CurveFit_Weights, got 4/,
      { key: 'CurveFit_Weights', value: [1, 2, 3, 4] },
      'LogarithmicRegressionTrainer',
    ],
    [
      'a logistic fit with 3 weights',
      comp({ Numerical_Variables: { x: { scale: 1 } }, CurveFit_Weights: [1, 2, 3] }),
      /logistic predictor needs exactly 4/,
      { key: 'CurveFit_Weights' },
      'LogisticRegressionTrainer',
    ],
    [
      'an exponential trainer with linear weights',
      linear({ x: { scale: 1, weight: 1 } }),
      /exponential predictor needs exactly 3 CurveFit_Weights, got 0/,
      { component: 'package' },
      'ExponentialRegressionTrainer',
    ],
    [
      'CurveFit_Weights that are not numbers',
      comp({ Numerical_Variables: {}, CurveFit_Weights: [1, 'x', 3] }),
      /found "x"/,
      { key: 'CurveFit_Weights.1', value: 'x' },
    ],
  ];
  it.each(cases)('rejects %s', (_, text, message, fields, trainer) => {
    let error: unknown;
    try {
      decodeKeplerWeights(text, { path: 'bad.json', trainer });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeplerWeightsError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('bad.json');
    expect(error).toMatchObject(fields);
  });
});
