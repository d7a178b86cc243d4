// Sharded training wall time: `modelshelf train --shard I/N` as N processes started at once into one local
// store, beside the unsharded run (N = 1) of the same pipelines in the same run. Each process pays its own
// start-up and data load; the speed-up is bounded by the cores of this machine (the pipelines spread evenly).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchModule } from './harness.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'packages/cli/bin/modelshelf.js');
const CSV = join(
  ROOT,
  'fixtures/kepler/kepler-model-db/models/v0.6/nx12/preprocessed_data/preprocess_abs_default_rapl_BPFOnly.csv',
);
/** Kepler's table with every trainer but the dense network (2 output types × 10 trainers = 20 models). */
const TRAINERS = process.env.SHARD_BENCH_TRAINERS ?? 'all-but-dense';

async function trainerList(): Promise<string> {
  if (TRAINERS !== 'all-but-dense') return TRAINERS;
  const { TRAINER_NAMES } = await import('../packages/trainer/src/trainers/index.ts');
  return TRAINER_NAMES.filter((n) => n !== 'DenseNetworkTrainer').join(',');
}

const bench: BenchModule = {
  title: 'Sharded training: wall time of N shard processes vs one unsharded run',
  async run(ctx) {
    const trainers = await trainerList();
    const args = (store: string) => [
      BIN,
      '--store',
      store,
      'train',
      '--data',
      CSV,
      '--energy-source',
      'rapl',
      '--feature-groups',
      'BPFOnly=bpf_cpu_time_us',
      '--trainers',
      trainers,
    ];
    let single = 0;
    for (const n of [1, 2, 4]) {
      const store = join(ctx.tmpDir, `store-${n}`);
      await run(process.execPath, [BIN, '--store', store, 'init']);
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          run(
            process.execPath,
            [...args(store), ...(n > 1 ? ['--shard', `${i}/${n}`, '--run-id', `b${n}`] : [])],
            {
              maxBuffer: 64 * 1024 * 1024,
            },
          ),
        ),
      );
      const seconds = (performance.now() - t0) / 1000;
      if (n === 1) single = seconds;
      ctx.row({
        name: `${n} process${n > 1 ? 'es' : ''} (${trainers.split(',').length * 2} models, 2,202 rows)`,
        value: seconds * 1000,
        unit: 'ms',
        baseline: 'unsharded',
        baselineValue: single * 1000,
      });
    }
  },
};

export default bench;
