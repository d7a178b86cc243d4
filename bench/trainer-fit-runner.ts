// The TypeScript side of the trainer benchmark, run in a process of its own from compiled JavaScript
// (esbuild, as `modelshelf train` runs from packages/cli/dist), the way the python side runs in its own
// interpreter. Under tsx's loader the same trainer code measured up to 1.35× slower than compiled (the
// histogram booster at 200k rows: 700 ms against 520 ms), which is not what a user's `modelshelf train` runs.
//
//   node trainer-fit-runner.mjs <job.json>   prints one JSON line: per trainer, its best run
//
// The job names a table file (see writeTableFile), the trainers, the repeats and the dense network's
// epochs. Each trainer first fits a tenth of the rows (at least 300) three times and the whole table once, to warm
// the JIT (a trainer run fits many pipelines with the same code), then the whole table `repeats` times: the
// fastest wall time, and the least CPU time of any repeat.
import { readFileSync } from 'node:fs';
import { DenseNetworkTrainer } from '../packages/trainer/src/trainers/dense-network.ts';
import { trainerByName } from '../packages/trainer/src/trainers/index.ts';
import { evaluateTrainer, holdoutSplit, type Table } from '../packages/trainer/test/trainers/data.ts';
import { readTableFile } from './trainer-table-file.ts';

/**
 * Warm-up fits on the slice, then one on the whole table: with one slice fit the compiler was still at work in
 * the timed repeats (CPU time 3× wall time for LinearRegression on 2,202 rows).
 */
const WARM_UP_FITS = 3;

export interface FitJob {
  table: string;
  trainers: string[];
  repeats: number;
  seed: number;
  denseEpochs?: number;
}

export interface BestRun {
  seconds: number;
  cpuSeconds: number;
  mae: number;
}

function sliceRows(table: Table, rows: number): Table {
  return {
    ...table,
    x: { ...table.x, rows, data: table.x.data.slice(0, rows * table.x.cols) },
    y: Object.fromEntries(Object.entries(table.y).map(([c, y]) => [c, y.slice(0, rows)])),
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as FitJob;
  const table = readTableFile(job.table);
  const split = holdoutSplit(table.x.rows, job.seed);
  const warm = sliceRows(table, Math.min(table.x.rows, Math.max(300, Math.floor(table.x.rows / 10))));
  const warmSplit = holdoutSplit(warm.x.rows, job.seed);
  const out: Record<string, BestRun> = {};
  for (const name of job.trainers) {
    const trainer =
      name === 'DenseNetworkTrainer' && job.denseEpochs
        ? new DenseNetworkTrainer({ epochs: job.denseEpochs })
        : trainerByName(name);
    for (let w = 0; w < WARM_UP_FITS; w++) await evaluateTrainer(trainer, warm, warmSplit, job.seed);
    await evaluateTrainer(trainer, table, split, job.seed);
    let best: BestRun | undefined;
    for (let r = 0; r < job.repeats; r++) {
      const list = Object.values(await evaluateTrainer(trainer, table, split, job.seed));
      const run = {
        seconds: list.reduce((s, v) => s + v.fitSeconds + v.predictSeconds, 0),
        cpuSeconds: list.reduce((s, v) => s + v.cpuSeconds, 0),
        mae: list.reduce((s, v) => s + v.mae, 0) / list.length,
      };
      const cpuSeconds = Math.min(run.cpuSeconds, best?.cpuSeconds ?? Number.POSITIVE_INFINITY);
      best = !best || run.seconds < best.seconds ? { ...run, cpuSeconds } : { ...best, cpuSeconds };
    }
    out[name] = best!;
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

await main();
