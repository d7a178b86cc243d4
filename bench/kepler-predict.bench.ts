// Kepler linear power model: batch runtime vs a per-row JS implementation and Kepler's numpy sidecar.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKeplerWeights, encodeKeplerWeights } from '../packages/formats/src/kepler/index.ts';
import { type BenchModule, timeMs } from './harness.ts';

const PYTHON = '/usr/bin/python3';
const ROWS = 1_000_000;
const FEATURES = ['bpf_cpu_time_ms', 'bpf_page_cache_hit', 'cache_miss', 'cpu_cycles', 'cpu_instructions'];
const COMPONENTS = ['package', 'core', 'uncore', 'dram'];

/** A deterministic 4-component Basic-group linear model. */
function weightsBytes(): Uint8Array {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31; // small LCG: the same model every run
    return seed / 2 ** 31;
  };
  const components = Object.fromEntries(
    COMPONENTS.map((c) => [
      c,
      {
        bias: 10 + rand() * 100,
        features: FEATURES.map((name) => ({ name, scale: 1 + rand() * 1e6, weight: rand() * 300 - 50 })),
      },
    ]),
  );
  return encodeKeplerWeights({ components });
}

type RowObject = { features: Record<string, number> };
type RawComponent = {
  All_Weights: {
    Bias_Weight: number;
    Numerical_Variables: Record<string, { scale: number; weight: number }>;
  };
};

/** The straightforward way: objects in, a fresh object per row out, weights looked up by name. */
function perRowPredict(weights: Record<string, RawComponent>, rows: RowObject[]): Record<string, number>[] {
  return rows.map((row) => {
    const out: Record<string, number> = {};
    for (const [name, { All_Weights: a }] of Object.entries(weights)) {
      let p = a.Bias_Weight;
      for (const [f, { scale, weight }] of Object.entries(a.Numerical_Variables)) {
        if (scale !== 0 && weight !== 0) p += weight * ((row.features[f] ?? 0) / scale);
      }
      out[name] = p;
    }
    if (out.package! < out.core! + out.uncore!) out.package = out.core! + out.uncore!;
    if (out.core === 0) out.core = out.package! - out.uncore!;
    return out;
  });
}

function numpyMissing(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0
    ? undefined
    : `${PYTHON} with numpy not available (${(r.stderr || r.error?.message || '').trim()})`;
}

const bench: BenchModule = {
  title: 'Kepler weights: batch power prediction (4-component linear model, 5 features)',
  async run(ctx) {
    const bytes = weightsBytes();
    const model = decodeKeplerWeights(bytes, { trainer: 'SGDRegressorTrainer' });
    const nf = model.features.length;
    const input = new Float64Array(ROWS * nf);
    for (let i = 0; i < input.length; i++) input[i] = Math.random() * 1e6;
    const out = new Float64Array(ROWS * model.outputs.length);

    const batchMs = await timeMs(() => model.predictInto(input, ROWS, out), 5);
    const batchRate = ROWS / (batchMs / 1000);

    const rows: RowObject[] = Array.from({ length: ROWS }, (_, r) => ({
      features: Object.fromEntries(model.features.map((f, j) => [f, input[r * nf + j]!])),
    }));
    const raw = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, RawComponent>;
    let check: Record<string, number>[] = [];
    const perRowMs = await timeMs(() => {
      check = perRowPredict(raw, rows);
    }, 3);
    // Same answers, or the comparison means nothing.
    for (const r of [0, 1, ROWS - 1]) {
      model.outputs.forEach((c, i) => {
        if (Math.abs(check[r]![c]! - out[r * model.outputs.length + i]!) > 1e-9 * Math.abs(out[r * 4 + i]!)) {
          throw new Error(`row ${r} ${c}: batch ${out[r * 4 + i]} vs per-row ${check[r]![c]}`);
        }
      });
    }
    ctx.row({
      name: `batch predictInto, ${ROWS.toLocaleString('en')} rows`,
      value: batchRate,
      unit: 'rows/s',
      baseline: 'per-row JS objects',
      baselineValue: ROWS / (perRowMs / 1000),
      higherIsBetter: true,
    });
    ctx.note(
      `batch: ${batchMs.toFixed(1)} ms per 1M rows (${((batchRate * 4) / 1e6).toFixed(0)} M component predictions/s)`,
    );

    const missing = numpyMissing();
    if (missing) {
      ctx.note(`numpy sidecar baseline skipped: ${missing}`);
      return;
    }
    const weightsPath = join(ctx.tmpDir, 'weights.json');
    const rowsPath = join(ctx.tmpDir, 'rows.f64');
    writeFileSync(weightsPath, bytes);
    writeFileSync(rowsPath, new Uint8Array(input.buffer, input.byteOffset, input.byteLength));
    const script = new URL('./kepler_numpy_sidecar.py', import.meta.url).pathname;
    // Container estimation sends one request per interval with all containers (~100); node estimation one row.
    for (const [perRequest, pyRows] of [
      [100, ROWS],
      [1, 200_000],
    ] as const) {
      const r = spawnSync(
        PYTHON,
        [script, weightsPath, rowsPath, String(nf), String(pyRows), String(perRequest)],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        },
      );
      if (r.status !== 0) throw new Error(`numpy sidecar failed: ${r.stderr}`);
      const { rows: n, seconds } = JSON.parse(r.stdout) as { rows: number; seconds: number };
      ctx.row({
        name: `batch vs numpy sidecar, ${perRequest} row(s)/request`,
        value: batchRate,
        unit: 'rows/s',
        baseline: `numpy (${n.toLocaleString('en')} rows)`,
        baselineValue: n / seconds,
        higherIsBetter: true,
        target: '>= 10x',
      });
    }
  },
};

export default bench;
