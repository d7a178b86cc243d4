// Encoder: deterministic current-schema bytes that decode back to the same model, byte-identical to Kepler's exporter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeplerWeights } from '../../src/kepler/codec.ts';
import { encodeKeplerWeights, keplerWeightsToSpec } from '../../src/kepler/encode.ts';
import { KeplerWeightsError } from '../../src/kepler/errors.ts';
import { pythonFloatRepr } from '../../src/kepler/python-float.ts';
import { parseKeplerWeightsJson } from '../../src/kepler/weights-schema.ts';
import { EC2_BPF, FIXTURES } from './helpers.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('pythonFloatRepr', () => {
  it.each([
    [1, '1.0'],
    [0, '0.0'],
    [-0, '-0.0'],
    [95877.00000000001, '95877.00000000001'],
    [1e-5, '1e-05'],
    [1.5e-5, '1.5e-05'],
    [0.0001, '0.0001'],
    [1e16, '1e+16'],
    [2 ** 53 + 2, '9007199254740994.0'],
    [-683.4342435027602, '-683.4342435027602'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('%s → %s', (x, repr) => expect(pythonFloatRepr(x)).toBe(repr));

  it('always parses back to the same double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(
          Object.is(Number(pythonFloatRepr(x)), x) || (x === 0 && Number(pythonFloatRepr(x)) === 0),
        ).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('encodeKeplerWeights', () => {
  it.each([
    join(EC2_BPF, 'SGDRegressorTrainer_0.json'),
    join(EC2_BPF, 'LogarithmicRegressionTrainer_0.json'),
    join(
      FIXTURES,
      'kepler-model-db/models/v0.7/specpower-0.7.11/acpi/AbsPower/BPFOnly/SGDRegressorTrainer_109.json',
    ),
  ])('re-encodes Kepler’s exporter output byte for byte: %s', (path) => {
    const bytes = readFileSync(path);
    const spec = keplerWeightsToSpec(parseKeplerWeightsJson(bytes));
    expect(text(encodeKeplerWeights(spec))).toBe(bytes.toString('utf8'));
  });

  it('round-trips: encode → decode predicts exactly what the spec says, features sorted', () => {
    const spec = {
      components: {
        dram: { bias: 3, features: [{ name: 'cpu_cycles', scale: 10, weight: 1 }] },
        package: {
          bias: 40.5,
          features: [
            { name: 'cpu_instructions', scale: 2e9, weight: 30 },
            { name: 'bpf_cpu_time_ms', scale: 95877, weight: 300 },
          ],
          categorical: { cpu_architecture: { 'Sky Lake': 2.5, Zen: -1 } },
        },
      },
    };
    const bytes = encodeKeplerWeights(spec);
    expect(text(bytes)).toBe(text(encodeKeplerWeights(spec))); // deterministic
    expect(Object.keys(JSON.parse(text(bytes)))).toEqual(['package', 'dram']); // Kepler's component order
    const m = decodeKeplerWeights(bytes, { trainer: 'SGDRegressorTrainer' });
    expect(m.features).toEqual(['bpf_cpu_time_ms', 'cpu_instructions', 'cpu_cycles']);
    const [row] = m.predictRows([
      {
        features: { bpf_cpu_time_ms: 9587.7, cpu_instructions: 1e9, cpu_cycles: 5 },
        system: { cpu_architecture: 'Zen' },
      },
    ]);
    expect(row!.package).toBe(40.5 - 1 + 300 * (9587.7 / 95877) + 30 * (1e9 / 2e9));
    expect(row!.dram).toBe(3 + 1 * (5 / 10));
    expect(keplerWeightsToSpec(parseKeplerWeightsJson(bytes))).toEqual({
      components: {
        package: {
          bias: 40.5,
          features: [...spec.components.package.features].reverse(),
          categorical: spec.components.package.categorical,
        },
        dram: { ...spec.components.dram, categorical: {} },
      },
    });
  });

  it('converts the oldest schema to the current one by folding the mean into the bias', () => {
    const path = join(
      FIXTURES,
      'kepler-model-db/models/Linux-4.15.0-213-generic-x86_64_v0.6/rapl/AbsPower/KubeletOnly/weight.json',
    );
    const old = decodeKeplerWeights(readFileSync(path));
    const converted = decodeKeplerWeights(encodeKeplerWeights(keplerWeightsToSpec(old.weights)));
    const input = Float64Array.of(3, 1e7, 25, 4e8);
    const a = old.predict(input, 2);
    const b = converted.predict(input, 2);
    for (const [i, v] of a.entries()) expect(b[i]).toBeCloseTo(v, 9);
  });

  it('refuses values Go cannot read (NaN) and duplicate features, naming them', () => {
    const nan = () =>
      encodeKeplerWeights({
        components: { core: { bias: 0, features: [{ name: 'x', scale: Number.NaN, weight: 1 }] } },
      });
    expect(nan).toThrow(KeplerWeightsError);
    expect(nan).toThrow(
      /component "core", feature "x", key "scale": value must be a finite number \(found NaN\)/,
    );
    const dup = () =>
      encodeKeplerWeights({
        components: {
          core: {
            bias: 0,
            features: [
              { name: 'x', scale: 1, weight: 1 },
              { name: 'x', scale: 2, weight: 1 },
            ],
          },
        },
      });
    expect(dup).toThrow(/unique/);
    expect(() => encodeKeplerWeights({ components: {} })).toThrow(/no components/);
  });
});
