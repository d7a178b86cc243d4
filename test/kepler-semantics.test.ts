// Kepler's sidecar semantics through the product: the estimator socket and `modelshelf predict` (default
// --semantics sidecar) give the same watts, and those are what kepler-model-server's Python estimator
// answers (test/helpers/kepler_sidecar_reference.py, numpy, written from its source). Kepler's Go rules
// (--semantics kepler-go) are checked against hand formulas citing pkg/model/estimator/local/regressor.
// Models: the real kepler-model-db fixtures (imported as `modelshelf import kepler` does) and curve fits
// written here with the real feature groups Kepler trains on.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importKeplerModels, startEstimator } from '../packages/loader/src/index.ts';
import { estimate } from '../packages/loader/test/estimator/client.ts';
import { openStore, type Store } from '../packages/registry/src/index.ts';
import { numpyUnavailable, sidecarReference } from './helpers/kepler-sidecar-reference.ts';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/cli/bin/modelshelf.js');
const KEPLER_DB = join(REPO, 'fixtures/kepler/kepler-model-db');
const EC2_BPF = join(KEPLER_DB, 'models/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly');
const LOG = 'rapl-sysfs/AbsPower/BPFOnly/LogarithmicRegressionTrainer_0';
const SGD = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const KUBELET = 'rapl/AbsPower/KubeletOnly/weight';

// biome-ignore lint/suspicious/noExplicitAny: weight JSON read by tests, shape checked by the assertions
type Json = Record<string, any>;
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;

const noNumpy = numpyUnavailable();
if (noNumpy && process.env.CI === 'true') throw new Error(`numpy is required under CI: ${noNumpy}`);

let root: string;
let storeDir: string;
let store: Store;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kepler-semantics-'));
  storeDir = join(root, 'store');
  store = await openStore(storeDir, { create: true });
  await importKeplerModels(store, KEPLER_DB);
  for (const m of CURVE_MODELS) {
    await store.publish({
      model: m.name,
      files: [{ path: `${m.trainer}_0.json`, data: new TextEncoder().encode(JSON.stringify(m.weights)) }],
      metadata: { trainer: m.trainer, features: m.features, mae: 1 },
      formats: [{ name: 'kepler-weights', files: [`${m.trainer}_0.json`] }],
    });
  }
}, 60_000);
afterAll(async () => {
  await store?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** One estimator serving `model` for rapl-sysfs/AbsPower (or acpi), asked once, then closed. */
async function askEstimator(model: string, request: Json, cores = 2) {
  const socketPath = join(root, 'est.sock');
  const est = await startEstimator({
    store,
    socketPath,
    models: [{ source: request.source ?? 'rapl-sysfs', outputType: 'AbsPower', ref: model }],
    best: false,
    cores,
  });
  try {
    await est.ready();
    return await estimate(socketPath, request);
  } finally {
    await est.close();
  }
}

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}
function cli(stdin: string, ...args: string[]): Promise<Cli> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELSHELF_USER: 'tester' };
  for (const k of ['MODELSHELF_STORE', 'FORCE_COLOR', 'NO_COLOR', 'MODELSHELF_DEBUG']) delete env[k];
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, '--store', storeDir, ...args],
      { env, cwd: REPO },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

/** Rows of a request as `modelshelf predict --input` objects (same metric order). */
const rowsOf = (metrics: string[], values: number[][], extra: Record<string, number> = {}) =>
  values.map((v) => ({ features: { ...Object.fromEntries(metrics.map((m, i) => [m, v[i]!])), ...extra } }));

async function predictJson(model: string, rows: unknown, ...flags: string[]) {
  const r = await cli(JSON.stringify(rows), '--json', 'predict', model, '--input', '-', ...flags);
  expect(r.code, r.stderr).toBe(0);
  return { ...(JSON.parse(r.stdout) as Json), stderr: r.stderr } as Json;
}

/** Columns (component → per-row watts) from predict's rows. */
const columns = (predictions: Record<string, number>[]) =>
  Object.fromEntries(Object.keys(predictions[0]!).map((c) => [c, predictions.map((p) => p[c]!)]));

function expectClose(actual: Record<string, number[]>, expected: Record<string, number[]>) {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [c, values] of Object.entries(expected)) {
    values.forEach((v, r) => {
      const a = actual[c]![r]!;
      expect(Math.abs(a - v), `${c}[${r}]: ${a} vs ${v}`).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(v)),
      );
    });
  }
}

// Curve fits with the feature groups Kepler trains on (train_types.FeatureGroups, sorted): the sidecar
// reads the main feature of the FIRST group their features contain, not their first feature.
const GROUPS: Record<string, string[]> = {
  BPFIRQ: ['bpf_block_irq', 'bpf_cpu_time_ms', 'bpf_net_rx_irq', 'bpf_net_tx_irq', 'bpf_page_cache_hit'],
  Basic: ['bpf_cpu_time_ms', 'bpf_page_cache_hit', 'cache_miss', 'cpu_cycles', 'cpu_instructions'],
  CounterOnly: ['cache_miss', 'cpu_cycles', 'cpu_instructions'],
  CounterIRQCombined: [
    'bpf_block_irq',
    'bpf_net_rx_irq',
    'bpf_net_tx_irq',
    'cache_miss',
    'cpu_cycles',
    'cpu_instructions',
  ],
};
const CURVES: Record<string, number[]> = {
  LogarithmicRegressionTrainer: [70.6, 41.5, -20.4],
  ExponentialRegressionTrainer: [12.5, 1.7, -30.2],
  LogisticRegressionTrainer: [180.0, 0.45, 6.0, -25.0],
};
const CURVE_MODELS = Object.entries(GROUPS).flatMap(([group, features]) =>
  Object.entries(CURVES).map(([trainer, popt]) => ({
    name: `rapl-sysfs/AbsPower/${group}/${trainer}_0`,
    group,
    trainer,
    features,
    weights: Object.fromEntries(
      ['package', 'core', 'uncore', 'dram'].map((c, ci) => [
        c,
        {
          All_Weights: {
            Categorical_Variables: {},
            Numerical_Variables: Object.fromEntries(features.map((f, j) => [f, { scale: 1000 * (j + 1) }])),
            CurveFit_Weights: popt.map((p) => p * (1 + ci / 10)),
          },
        },
      ]),
    ),
  })),
);

describe.skipIf(noNumpy !== undefined)('sidecar semantics (default) = kepler-model-server', () => {
  it('the real ec2 logarithmic fit: main feature per component, negatives clamped, socket = predict', async () => {
    const metrics = ['bpf_cpu_time_ms', 'bpf_page_cache_hit', 'cpu_cycles']; // cpu_cycles: not used
    const values = [
      [9587.7, 250.5, 1e9],
      [10, 3, 5], // package 70.64·ln(4157417.5·10/95877 + 1) − 683.43 < 0
      [0, 0, 0],
    ];
    const request = { metrics, values, output_type: 'AbsPower', source: 'rapl-sysfs' };
    const answer = await askEstimator(LOG, request);
    expect(answer.msg).toBe('');
    const reference = sidecarReference({
      weights: readJson(join(EC2_BPF, 'LogarithmicRegressionTrainer_0.json')),
      trainer: 'LogarithmicRegressionTrainer',
      metrics,
      values,
    });
    expectClose(answer.powers, reference);
    expect(answer.powers.package![1]).toBe(0);
    // dram reads bpf_page_cache_hit (train_types' dram feature of BPFOnly): 11.67·ln(250.5 + 1) + 21.02.
    expect(answer.powers.dram![0]).toBeCloseTo(
      11.673666666666273 * Math.log(250.5 + 1) + 21.01685283257353,
      9,
    );

    const predicted = await predictJson(LOG, rowsOf(metrics, values));
    expect(columns(predicted.predictions)).toEqual(answer.powers);
    expect(predicted.semantics).toBe('sidecar');
    expect(predicted.stderr).toMatch(/ignoring features the model does not use: cpu_cycles/);
    expect(predicted.stderr.match(/ignoring/g)).toHaveLength(1);
  });

  it.each(CURVE_MODELS.map((m) => [m.group, m.trainer, m] as const))(
    '%s %s: the socket answers what the Python estimator does',
    async (_g, _t, m) => {
      const values = [
        m.features.map((_, j) => 500 * (j + 1) + 7 * j),
        m.features.map((_, j) => 2000 * (j + 1) - 300 * j),
        m.features.map(() => 0),
      ];
      const request = { metrics: m.features, values, output_type: 'AbsPower', source: 'rapl-sysfs' };
      const answer = await askEstimator(m.name, request);
      expect(answer.msg).toBe('');
      expectClose(
        answer.powers,
        sidecarReference({ weights: m.weights, trainer: m.trainer, metrics: m.features, values }),
      );
    },
  );

  it('predict agrees with the socket on a group whose main feature is not the first (Basic)', async () => {
    const m = CURVE_MODELS.find((x) => x.group === 'Basic' && x.trainer === 'LogisticRegressionTrainer')!;
    const values = [[900, 40, 555, 7000, 12000]]; // Basic's columns, in order
    const answer = await askEstimator(m.name, {
      metrics: m.features,
      values,
      output_type: 'AbsPower',
      source: 'rapl-sysfs',
    });
    const predicted = await predictJson(m.name, rowsOf(m.features, values));
    expect(columns(predicted.predictions)).toEqual(answer.powers);
    // Basic ⊇ CounterOnly, so the sidecar takes CounterOnly's main-feature index (2) into Basic's columns:
    // package reads cache_miss (scale 3000); Kepler's Go regressor reads the first metric, bpf_cpu_time_ms.
    const [A, x0, k, off] = m.weights.package!.All_Weights.CurveFit_Weights as number[];
    const logistic = (x: number) => A! / (1 + Math.exp(-k! * (x - x0!))) + off!;
    expect(answer.powers.package![0]).toBeCloseTo(logistic(values[0]![2]! / 3000), 9);
    const go = await predictJson(m.name, rowsOf(m.features, values), '--semantics', 'kepler-go');
    expect(go.predictions[0].package).toBeCloseTo(logistic(values[0]![0]! / 1000), 9);
    expect(go.predictions[0].package).not.toBeCloseTo(answer.powers.package![0]!, 3);
  });
});

describe('kepler-go semantics (predict --semantics kepler-go)', () => {
  it('keeps negative watts and wraps them in uint64 milliwatts as Kepler on amd64 does', async () => {
    const w = readJson(join(EC2_BPF, 'LogarithmicRegressionTrainer_0.json'));
    const [a, b, c] = w.package.All_Weights.CurveFit_Weights as number[];
    const scale = w.package.All_Weights.Numerical_Variables.bpf_cpu_time_ms.scale as number;
    // logarithm.go: basePower + a·ln(b·x[0] + 1) + c, x[0] = bpf_cpu_time_ms / scale (the first metric).
    const watts = a! * Math.log(b! * (10 / scale) + 1) + c!;
    expect(watts).toBeLessThan(0);
    const go = await predictJson(
      LOG,
      [{ features: { bpf_cpu_time_ms: 10, bpf_page_cache_hit: 3 } }],
      '--semantics',
      'kepler-go',
    );
    expect(go.predictions[0].package).toBeCloseTo(watts, 9);
    // utils.GetComponentPower: uint64(W · 1000); CVTTSD2SQ truncates toward zero, read as two's complement.
    const wrapped = BigInt.asUintN(64, BigInt(Math.trunc(watts * 1000)));
    expect(go.milliwatts[0].package).toBe(wrapped.toString());
    // FillNodeComponentsPower on uint64: package (huge) ≥ core + uncore (0) stays; core = package − uncore.
    expect(go.milliwatts[0].core).toBe(wrapped.toString());
    // dram reads the first metric too: 11.67·ln(1·10/95877 + 1) + 21.02.
    const [da, db, dc] = w.dram.All_Weights.CurveFit_Weights as number[];
    expect(go.predictions[0].dram).toBeCloseTo(da! * Math.log(db! * (10 / scale) + 1) + dc!, 9);
    const sidecar = await predictJson(LOG, [{ features: { bpf_cpu_time_ms: 10, bpf_page_cache_hit: 3 } }]);
    expect(sidecar.predictions[0].package).toBe(0);
  });
});

describe('core_ratio and the oldest weight files', () => {
  it('answers core_ratio 1 for an imported db model on a 2-core node (the model has no machine_spec)', async () => {
    const request = {
      metrics: ['bpf_cpu_time_ms', 'bpf_page_cache_hit'],
      values: [[0, 0]],
      output_type: 'AbsPower',
      source: 'rapl-sysfs',
    };
    const answer = await askEstimator(SGD, request, 2);
    expect(answer.msg).toBe('');
    expect(answer.core_ratio).toBe(1);
    const bias = readJson(join(EC2_BPF, 'SGDRegressorTrainer_0.json')).package.All_Weights.Bias_Weight;
    expect(answer.powers.package).toEqual([bias]); // 143.8 W, not 2/96 of it
    // Kepler's own arithmetic with the same model and 2 cores: min(2 / unknown, 1) = 1, no scaling.
    const idle = await predictJson(SGD, [{ features: {}, cores: 2 }], '--idle', '--semantics', 'kepler-go');
    expect(idle.milliwatts[0].package).toBe(String(Math.trunc(bias * 1000)));
  });

  it('reads mean/variance files with a standard scaler by default, bias only with --mean-variance ignore', async () => {
    const w = readJson(
      join(KEPLER_DB, 'models/Linux-4.15.0-213-generic-x86_64_v0.6/rapl/AbsPower/KubeletOnly/weight.json'),
    );
    const p = w.package.All_Weights;
    const x = { kubelet_cpu_usage: 12.5, kubelet_memory_bytes: 2e7 };
    // Kepler v0.5.5 lr.go: (x − mean) / sqrt(variance) per feature.
    const standard =
      p.Bias_Weight +
      Object.entries(x).reduce((s, [f, v]) => {
        const n = p.Numerical_Variables[f];
        return s + n.weight * ((v - n.mean) / Math.sqrt(n.variance));
      }, 0);
    const answer = await askEstimator(KUBELET, {
      metrics: Object.keys(x),
      values: [Object.values(x)],
      output_type: 'AbsPower',
      source: 'rapl',
    });
    expect(answer.powers.package![0]).toBeCloseTo(standard, 9);
    const byDefault = await predictJson(KUBELET, [{ features: x }]);
    expect(byDefault.predictions[0].package).toBe(answer.powers.package![0]);
    // Kepler ≥ 0.7 reads no "scale" as scale 0 and skips the feature: the bias alone.
    const ignored = await predictJson(KUBELET, [{ features: x }], '--mean-variance', 'ignore');
    expect(ignored.predictions[0].package).toBe(p.Bias_Weight);
  });
});
