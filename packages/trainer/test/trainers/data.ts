// Data for trainer tests and the trainer benchmark: the real Kepler training table, a large synthetic table,
// the seeded 10 % holdout split both TypeScript and scikit-learn use, and a per-trainer evaluation.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SklearnJob } from '../../../../test/helpers/sklearn-reference.ts';
import { shuffledIndices } from '../../src/trainers/rng.ts';
import type { Matrix, Trainer } from '../../src/trainers/types.ts';

export const KEPLER_TABLE = fileURLToPath(
  new URL(
    '../../../../fixtures/kepler/kepler-model-db/models/v0.6/nx12/preprocessed_data/preprocess_abs_default_rapl_BPFOnly.csv',
    import.meta.url,
  ),
);

export interface Table {
  features: string[];
  x: Matrix;
  /** Per component targets. */
  y: Record<string, Float64Array>;
}

/**
 * Kepler's preprocessed AbsPower table: feature bpf_cpu_time_us, targets `<component>_power`. Components whose
 * target never varies (core and uncore are all 0 on this machine) are left out: there is nothing to learn.
 */
export function loadKeplerTable(path = KEPLER_TABLE): Table {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const features = ['bpf_cpu_time_us'];
  const fi = features.map((f) => header.indexOf(f));
  const x: Matrix = {
    rows: rows.length,
    cols: features.length,
    data: new Float64Array(rows.length * features.length),
  };
  rows.forEach((r, i) => {
    fi.forEach((c, j) => {
      x.data[i * features.length + j] = r[c]!;
    });
  });
  const y: Record<string, Float64Array> = {};
  header.forEach((h, c) => {
    if (!h.endsWith('_power')) return;
    const values = Float64Array.from(rows, (r) => r[c]!);
    if (values.some((v) => v !== values[0])) y[h.slice(0, -'_power'.length)] = values;
  });
  return { features, x, y };
}

/** y = smooth nonlinear function of 4 features + seeded noise, like power versus usage counters. */
export function syntheticTable(rows: number, seed: number): Table {
  const features = ['bpf_cpu_time_ms', 'cache_miss', 'cpu_cycles', 'cpu_instructions'];
  const d = features.length;
  const data = new Float64Array(rows * d);
  const pkg = new Float64Array(rows);
  const dram = new Float64Array(rows);
  const rng = shuffledIndices(1, seed); // touch the seed so distinct seeds give distinct streams below
  let s = (seed ^ rng[0]!) >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let r = 0; r < rows; r++) {
    const cpu = next() * 95_000;
    const miss = next() * 2e7;
    const cycles = cpu * 3e4 * (0.8 + 0.4 * next());
    const instr = cycles * (0.5 + next());
    data.set([cpu, miss, cycles, instr], r * d);
    const u = cpu / 95_000;
    const noise = (next() + next() + next() - 1.5) * 2;
    pkg[r] =
      40 +
      (120 * Math.log1p(2.5 * u)) / Math.log1p(2.5) +
      8 * Math.sin(3 * (miss / 2e7)) +
      5 * (instr / cycles) +
      noise;
    dram[r] = 15 + 10 * u * u + 6 * (miss / 2e7) + noise / 2;
  }
  return { features, x: { rows, cols: d, data }, y: { package: pkg, dram } };
}

export interface Split {
  train: Int32Array;
  test: Int32Array;
}

/** scikit-learn's train_test_split(test_size=0.1) sizes: ceil(10 %) test rows, from a seeded shuffle. */
export function holdoutSplit(rows: number, seed: number, testFraction = 0.1): Split {
  const order = shuffledIndices(rows, seed);
  const nTest = Math.ceil(rows * testFraction);
  return { test: order.slice(0, nTest), train: order.slice(nTest) };
}

export function takeRows(x: Matrix, rows: Int32Array): Matrix {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => {
    data.set(x.data.subarray(r * x.cols, r * x.cols + x.cols), i * x.cols);
  });
  return { rows: rows.length, cols: x.cols, data };
}

export function take(y: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]!]!;
  return out;
}

export function mae(y: Float64Array, p: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i]! - p[i]!);
  return s / y.length;
}

export interface TrainerScore {
  mae: number;
  fitSeconds: number;
  predictSeconds: number;
  /** CPU time of this process during fit + predict (user + system). */
  cpuSeconds: number;
}

/** Fits `trainer` per component on the train rows and scores the test rows. */
export async function evaluateTrainer(
  trainer: Trainer,
  table: Table,
  split: Split,
  seed: number,
): Promise<Record<string, TrainerScore>> {
  const xTrain = takeRows(table.x, split.train);
  const xTest = takeRows(table.x, split.test);
  const out: Record<string, TrainerScore> = {};
  for (const [comp, y] of Object.entries(table.y)) {
    // The target is taken before the clock starts, as the python reference receives its arrays ready.
    const yTrain = take(y, split.train);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const fit = await trainer.fit(xTrain, yTrain, {
      seed,
      features: table.features,
      component: comp,
    });
    const t1 = performance.now();
    const pred = fit.predict(xTest);
    const t2 = performance.now();
    const cpu = process.cpuUsage(c0);
    out[comp] = {
      mae: mae(take(y, split.test), pred),
      fitSeconds: (t1 - t0) / 1000,
      predictSeconds: (t2 - t1) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
    };
  }
  return out;
}

/** The scikit-learn job for the same rows and split the TypeScript trainers see (parity test and benchmark). */
export function sklearnJobFor(
  table: Table,
  split: Split,
  trainers: string[],
  seed: number,
  mlpEpochs: number,
): SklearnJob {
  return {
    features: table.features,
    xTrain: takeRows(table.x, split.train).data,
    xTest: takeRows(table.x, split.test).data,
    yTrain: Object.fromEntries(Object.entries(table.y).map(([c, y]) => [c, take(y, split.train)])),
    yTest: Object.fromEntries(Object.entries(table.y).map(([c, y]) => [c, take(y, split.test)])),
    trainers,
    seed,
    mlp: { hidden: [16, 16], epochs: mlpEpochs },
  };
}
