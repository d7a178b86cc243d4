// The end-to-end path through the real binary: import the kepler-model-db fixture tree into a
// fresh filesystem store, then `ls`, `versions`, `show`, `predict` (rows, --idle, bad input), re-import.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EC2_BPF, json, KEPLER_DB, tempStore } from './cli.ts';

type Store = Awaited<ReturnType<typeof tempStore>>;
type Weights = Record<
  string,
  {
    All_Weights: {
      Bias_Weight?: number;
      Numerical_Variables: Record<string, { scale: number; weight?: number }>;
      CurveFit_Weights?: number[];
    };
  }
>;

const SGD = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const LOG = 'rapl-sysfs/AbsPower/BPFOnly/LogarithmicRegressionTrainer_0';
const EXPECTED_MODELS = [
  'acpi/AbsPower/BPFOnly/SGDRegressorTrainer_109',
  LOG,
  SGD,
  'rapl/AbsPower/BPFOnly/SGDRegressorTrainer_1',
  'rapl/AbsPower/KubeletOnly/weight',
];
const weightsOf = (file: string) => JSON.parse(readFileSync(join(EC2_BPF, file), 'utf8')) as Weights;

interface PredictJson {
  model: string;
  version: number;
  digest: string;
  format: string;
  idle: boolean;
  predictions: Record<string, number>[];
}

let s: Store;
beforeAll(async () => {
  s = await tempStore();
}, 60_000);
afterAll(() => s.cleanup());

describe('modelshelf import kepler → ls / versions / show / predict', () => {
  it('imports one version per model of the tree, with Kepler metadata in the manifest', async () => {
    const r = await s.cli('--json', 'import', 'kepler', KEPLER_DB);
    expect(r.code, r.stderr).toBe(0);
    const report = json<{ results: { model: string; status: string; version: number; files: string[] }[] }>(
      r,
    );
    expect(report.results.map((x) => x.model)).toEqual(EXPECTED_MODELS);
    expect(report.results.every((x) => x.status === 'published' && x.version === 1)).toBe(true);
    expect(report.results.find((x) => x.model === SGD)!.files.sort()).toEqual([
      'SGDRegressorTrainer_0.json',
      'SGDRegressorTrainer_0.zip',
      'metadata.json',
    ]);

    const ls = json<{ model: string; latest: number }[]>(await s.cli('--json', 'ls'));
    expect(ls.map((m) => [m.model, m.latest])).toEqual(EXPECTED_MODELS.map((m) => [m, 1]));

    // mae/mape come from the model's metadata.json and show in `versions`.
    const versions = json<{ version: number; mae: number; mape: number; files: number }[]>(
      await s.cli('--json', 'versions', SGD),
    );
    const meta = JSON.parse(readFileSync(join(EC2_BPF, 'SGDRegressorTrainer_0/metadata.json'), 'utf8'));
    expect(versions).toMatchObject([{ version: 1, mae: meta.mae, mape: meta.mape, files: 3 }]);

    const show = json<{ manifest: { formats: unknown[]; metadata: Record<string, unknown> } }>(
      await s.cli('--json', 'show', SGD),
    );
    const nodeTypes = JSON.parse(readFileSync(join(EC2_BPF, '../../../node_type_index.json'), 'utf8'));
    expect(show.manifest.formats).toEqual([
      { name: 'kepler-weights', files: ['SGDRegressorTrainer_0.json', 'metadata.json'] },
      { name: 'kepler-zip', files: ['SGDRegressorTrainer_0.zip'] },
    ]);
    expect(show.manifest.metadata).toMatchObject({
      trainer: 'SGDRegressorTrainer',
      node_type: 0,
      machine_spec: nodeTypes['0'].attrs,
      features: meta.features,
      pipeline: 'ec2-0.7.11',
      energy_source: 'rapl-sysfs',
      feature_group: 'BPFOnly',
    });
    const sources = show.manifest.metadata.source_files as Record<string, { path: string; sha256: string }>;
    expect(sources['SGDRegressorTrainer_0.zip']!.path).toBe(
      'ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0.zip',
    );
  });

  it('show says the archive holds pickles read as data', async () => {
    const r = await s.cli('show', SGD);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kepler-zip \(1 file\)/);
    expect(r.stdout).toMatch(/pickles.*reads them as data/);
  });

  it('predicts the worked example exactly as the weights compute it', async () => {
    const x = 9587.7;
    const r = await s.cliIn(
      JSON.stringify({ features: { bpf_cpu_time_ms: x } }),
      '--json',
      'predict',
      SGD,
      '--input',
      '-',
    );
    expect(r.code, r.stderr).toBe(0);
    const out = json<PredictJson>(r);
    expect(out).toMatchObject({ model: SGD, version: 1, format: 'kepler-weights', idle: false });
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const w = weightsOf('SGDRegressorTrainer_0.json');
    const line = (c: string) => {
      const a = w[c]!.All_Weights;
      const f = a.Numerical_Variables.bpf_cpu_time_ms!;
      return a.Bias_Weight! + f.weight! * (x / f.scale);
    };
    const [row] = out.predictions;
    expect(Math.abs(row!.package! - line('package'))).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(row!.dram! - line('dram'))).toBeLessThanOrEqual(1e-9);
    // Kepler fills core from package − uncore when core is 0.
    expect(Math.abs(row!.core! - (line('package') - line('uncore')))).toBeLessThanOrEqual(1e-9);
    expect(row!.package).toBeCloseTo(174.33, 2);
    expect(row!.dram).toBeCloseTo(19.46, 2);
  });

  it('predicts with a curve-fit model, the trainer known from the model name', async () => {
    const x = 9587.7;
    const rows = [{ features: { bpf_cpu_time_ms: x } }, { features: { bpf_cpu_time_ms: 2 * x } }];
    const r = await s.cliIn(JSON.stringify(rows), '--json', 'predict', LOG, '--input', '-');
    expect(r.code, r.stderr).toBe(0);
    const a = weightsOf('LogarithmicRegressionTrainer_0.json').package!.All_Weights;
    const [k, b, c] = a.CurveFit_Weights!;
    const scale = a.Numerical_Variables.bpf_cpu_time_ms!.scale;
    const out = json<PredictJson>(r).predictions;
    expect(out).toHaveLength(2);
    out.forEach((row, i) => {
      const expected = k! * Math.log(b! * (((i + 1) * x) / scale) + 1) + c!;
      expect(Math.abs(row.package! - expected)).toBeLessThanOrEqual(1e-9);
    });
  });

  it('--idle predicts with every feature 0, scaled by the row cores over the training machine cores', async () => {
    const w = weightsOf('SGDRegressorTrainer_0.json');
    const r = await s.cliIn(
      JSON.stringify([{ features: {} }, { features: {}, cores: 48 }]),
      '--json',
      'predict',
      SGD,
      '--idle',
      '--input',
      '-',
    );
    expect(r.code, r.stderr).toBe(0);
    const [full, half] = json<PredictJson>(r).predictions;
    expect(full!.package).toBe(w.package!.All_Weights.Bias_Weight);
    expect(full!.dram).toBe(w.dram!.All_Weights.Bias_Weight);
    // machine_spec.cores = 96 (node type 0) reached the runtime from the manifest: ratio 48 / 96.
    expect(half!.package).toBeCloseTo(w.package!.All_Weights.Bias_Weight! * 0.5, 12);

    const text = await s.cli('predict', SGD, '--idle');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/PACKAGE/);
    expect(text.stdout).toContain(w.package!.All_Weights.Bias_Weight!.toFixed(3));
  });

  it.each([
    ['not JSON', '{features', /not JSON/],
    ['a string feature value', '{"features": {"bpf_cpu_time_ms": "9587.7"}}', /features\.bpf_cpu_time_ms/],
    ['an unknown feature', '[{"features": {"bpf_cpu_time_us": 1}}]', /unknown feature "bpf_cpu_time_us"/],
    ['an unknown key', '{"features": {}, "core": 4}', /core/],
    ['an empty array', '[]', /empty/],
  ])('rejects %s with exit 2 and a message naming it', async (_what, input, message) => {
    const r = await s.cliIn(input, 'predict', SGD, '--input', '-');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/hint:/);
    expect(r.stdout).toBe('');
  });

  it('refuses a missing --input (unless --idle) and an unreadable file with exit 2', async () => {
    expect((await s.cli('predict', SGD)).code).toBe(2);
    const missing = await s.cli('predict', SGD, '--input', join(s.root, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json.*no such file/);
  });

  it('re-importing the same tree publishes nothing', async () => {
    const r = await s.cli('import', 'kepler', KEPLER_DB);
    expect(r.code, r.stderr).toBe(0);
    for (const model of EXPECTED_MODELS) expect(r.stdout).toMatch(new RegExp(`${model}\\s+unchanged\\s+1`));
    const versions = json<unknown[]>(await s.cli('--json', 'versions', SGD));
    expect(versions).toHaveLength(1);
  });
});
