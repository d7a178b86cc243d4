// Real Kepler model-db weight files: every one decodes, and predictions match hand calculations from the weights.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeKeplerWeights } from '../../src/kepler/codec.ts';
import { KeplerWeightsError } from '../../src/kepler/errors.ts';
import { allFixtureJson, EC2_BPF, FIXTURES, fixtureJson } from './helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: raw fixture JSON is walked by key
type Json = Record<string, any>;

const hasAllWeights = (j: Json) =>
  Object.values(j).some((v) => v && typeof v === 'object' && 'All_Weights' in v);
const isComponentIndex = (j: Json) =>
  Object.values(j).some((v) => v && typeof v === 'object' && 'model_file' in v);

describe('Kepler weight fixtures', () => {
  const all = allFixtureJson();
  const weightFiles = all.filter((p) => hasAllWeights(fixtureJson(p)));
  const indexFiles = all.filter((p) => isComponentIndex(fixtureJson(p)));

  it('finds the five weight files and the three model-folder component indexes', () => {
    expect(weightFiles.map((p) => basename(p)).sort()).toEqual([
      'LogarithmicRegressionTrainer_0.json',
      'SGDRegressorTrainer_0.json',
      'SGDRegressorTrainer_1.json',
      'SGDRegressorTrainer_109.json',
      'weight.json',
    ]);
    expect(indexFiles).toHaveLength(3);
  });

  it.each(weightFiles.map((p) => [p.slice(FIXTURES.length), p]))('decodes %s', (_, path) => {
    const model = decodeKeplerWeights(readFileSync(path), { path });
    const raw = fixtureJson(path) as Json;
    expect(model.outputs).toEqual(Object.keys(raw).filter((k) => raw[k]?.All_Weights));
    const first = raw[model.outputs[0]!].All_Weights.Numerical_Variables;
    expect(model.features.slice(0, Object.keys(first).length)).toEqual(Object.keys(first));
    const out = model.predict(new Float64Array(model.features.length).fill(1), 1);
    expect(out).toHaveLength(model.outputs.length);
    for (const v of out) expect(Number.isFinite(v)).toBe(true);
  });

  it.each(indexFiles.map((p) => [p.slice(FIXTURES.length), p]))(
    'rejects model-folder index %s with a hint',
    (_, path) => {
      const decode = () => decodeKeplerWeights(readFileSync(path), { path });
      expect(decode).toThrow(KeplerWeightsError);
      expect(decode).toThrow(/component index of a Kepler model archive/);
    },
  );
});

describe('worked example: ec2 SGDRegressorTrainer_0, bpf_cpu_time_ms = 9587.7', () => {
  const path = join(EC2_BPF, 'SGDRegressorTrainer_0.json');
  const w = fixtureJson(path) as Json;
  const model = decodeKeplerWeights(readFileSync(path), { path });
  const x = 9587.7;
  const linear = (c: string) => {
    const a = w[c].All_Weights;
    const f = a.Numerical_Variables.bpf_cpu_time_ms;
    return a.Bias_Weight + f.weight * (x / f.scale);
  };

  it('reproduces package, dram and the filled-in core to 1e-9', () => {
    const [row] = model.predictRows([{ features: { bpf_cpu_time_ms: x } }]);
    expect(row!.package).toBeCloseTo(linear('package'), 9);
    expect(row!.dram).toBeCloseTo(linear('dram'), 9);
    expect(row!.uncore).toBe(0);
    expect(linear('core')).toBe(0); // the model predicts core 0 …
    expect(row!.core).toBeCloseTo(linear('package') - linear('uncore'), 9); // … so Kepler fills it in
    expect(Number(row!.package!.toFixed(2))).toBe(174.33);
    expect(Number(row!.dram!.toFixed(2))).toBe(19.46);
  });

  it('gives Kepler’s integer milliwatts', () => {
    const mw = model.toKeplerMilliwatts(new Float64Array([x, 0]), 1);
    const pkg = BigInt(Math.trunc(linear('package') * 1000));
    expect([...mw]).toEqual([pkg, pkg, 0n, BigInt(Math.trunc(linear('dram') * 1000))]);
  });

  it('idle power is the bias, scaled by the core ratio', () => {
    const [idle] = model.predictRows([{ features: {} }], { idle: true });
    expect(idle!.package).toBe(w.package.All_Weights.Bias_Weight);
    const half = new Float64Array(4);
    const withCores = decodeKeplerWeights(readFileSync(path), { path, modelCores: 96 });
    withCores.predictInto(null, 1, half, { idle: true, cores: 48 });
    expect(half[0]).toBeCloseTo(w.package.All_Weights.Bias_Weight / 2, 12);
    withCores.predictInto(null, 1, half, { idle: true, cores: 192 }); // ratio capped at 1
    expect(half[0]).toBe(w.package.All_Weights.Bias_Weight);
    withCores.predictInto(new Float64Array([x, 0]), 1, half, { cores: 48 }); // never for non-idle
    expect(half[0]).toBeCloseTo(linear('package'), 9);
  });
});

describe('LogarithmicRegressionTrainer_0 against a hand calculation', () => {
  const path = join(EC2_BPF, 'LogarithmicRegressionTrainer_0.json');
  const w = fixtureJson(path) as Json;
  const model = decodeKeplerWeights(readFileSync(path), { path });

  it('uses a·ln(b·x0 + 1) + c on one feature: the main feature by default, the first on request', () => {
    expect(model.trainer).toBe('LogarithmicRegressionTrainer');
    const x = 9587.7;
    const hit = 1e9;
    const hand = (c: string, feature: string, value: number) => {
      const [a, b, k] = w[c].All_Weights.CurveFit_Weights as number[];
      const scale = w[c].All_Weights.Numerical_Variables[feature].scale as number;
      return a! * Math.log(b! * (value / scale) + 1) + k!;
    };
    const features = { bpf_cpu_time_ms: x, bpf_page_cache_hit: hit };
    // kepler-model-server's train_types.main_feature(BPFOnly): bpf_cpu_time_ms, and bpf_page_cache_hit for dram.
    const [row] = model.predictRows([{ features }]);
    expect(row!.package).toBeCloseTo(hand('package', 'bpf_cpu_time_ms', x), 9);
    expect(row!.dram).toBeCloseTo(hand('dram', 'bpf_page_cache_hit', hit), 9);
    // Kepler's Go regressor: x[0], the first metric (here the first feature in file order).
    const [go] = model.predictRows([{ features }], { curveInput: 'first-feature' });
    expect(go!.dram).toBeCloseTo(hand('dram', 'bpf_cpu_time_ms', x), 9);
    expect(go!.package).toBe(row!.package);
    // package 70.64·ln(4157417.5·0.1 + 1) − 683.43 ≈ 230.5 W
    expect(row!.package).toBeGreaterThan(230);
    expect(row!.package).toBeLessThan(231);
  });

  it('needs the trainer: the same bytes named weights.json are refused as linear', () => {
    const bytes = readFileSync(path);
    expect(() => decodeKeplerWeights(bytes, { path: 'weights.json' })).toThrow(/linear predictor.*curve fit/);
    const named = decodeKeplerWeights(bytes, {
      path: 'weights.json',
      trainer: 'LogarithmicRegressionTrainer',
    });
    expect(named.predictors.package).toBe('logarithmic');
  });
});

describe('older schemas in the fixtures', () => {
  it('v0.6 (scale plus dummy mean/variance) divides by scale only', () => {
    const path = join(
      FIXTURES,
      'kepler-model-db/models/v0.6/nx12/std_v0.6/rapl/AbsPower/BPFOnly/SGDRegressorTrainer_1.json',
    );
    const w = fixtureJson(path) as Json;
    const model = decodeKeplerWeights(readFileSync(path), { path });
    const f = w.package.All_Weights.Numerical_Variables.bpf_cpu_time_us;
    const [row] = model.predictRows([{ features: { bpf_cpu_time_us: 1000 } }]);
    expect(row!.package).toBeCloseTo(w.package.All_Weights.Bias_Weight + f.weight * (1000 / f.scale), 9);
  });

  it('oldest (mean/variance, no scale) applies the standard scaler', () => {
    const path = join(
      FIXTURES,
      'kepler-model-db/models/Linux-4.15.0-213-generic-x86_64_v0.6/rapl/AbsPower/KubeletOnly/weight.json',
    );
    const w = fixtureJson(path) as Json;
    const model = decodeKeplerWeights(readFileSync(path), { path });
    const features = { kubelet_cpu_usage: 12.5, kubelet_memory_bytes: 2e8 };
    const hand = (c: string) => {
      const a = w[c].All_Weights;
      let p = a.Bias_Weight as number;
      for (const [name, v] of Object.entries(features)) {
        const f = a.Numerical_Variables[name];
        p += f.weight * ((v - f.mean) / Math.sqrt(f.variance));
      }
      return p;
    };
    const [row] = model.predictRows([{ features }]);
    expect(row!.package).toBeCloseTo(hand('package'), 9);
    expect(row!.dram).toBeCloseTo(hand('dram'), 9);
  });
});
