// The trainer set against scikit-learn on the same rows in the same run: Kepler's real 2,202-row table and a
// 200,000-row synthetic table (4 features, smooth nonlinear target + noise). Each row is fit + holdout predict
// time for one trainer over the table's components, TypeScript beside scikit-learn/scipy. Both sides run in a
// process of their own and are timed inside it, so start-up and data transfer are excluded: python with
// scikit-learn, and node on the trainers compiled to JavaScript (bench/trainer-fit-runner.ts, bundled by esbuild
// here, as `modelshelf train` runs compiled code), never under tsx's loader, which slowed the same code.
// GradientBoostingRegressorTrainer is also set beside scikit-learn's HistGradientBoostingRegressor (100 trees of
// depth 3) and XgboostFitTrainer beside XGBoost itself (python3-xgboost). SVR is O(rows²): SVRRegressorTrainer fits
// at most 20,000 rows (a seeded sample above that), so its big-table row uses a 20,000-row table on both sides.
// TRAINER_BENCH_ONLY=SVRRegressorTrainer,XgboostFitTrainer restricts the run to those trainers.
// TRAINER_BENCH_REPEATS=N fits each trainer N times on both sides (default 3), after warm-up fits on our side
// (three on a tenth of the rows, one on all of them): each row is the fastest wall time, and a second row the
// least CPU time (user + system), which load hardly moves. (One repeat above 20,000 rows, as before, measured
// our side half-warm: 0.92× where three give 1.27×.)

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { TRAINER_NAMES } from '../packages/trainer/src/trainers/index.ts';
import {
  holdoutSplit,
  loadKeplerTable,
  sklearnJobFor,
  syntheticTable,
  type Table,
} from '../packages/trainer/test/trainers/data.ts';
import { runSklearn, sklearnUnavailable } from '../test/helpers/sklearn-reference.ts';
import type { BenchContext, BenchModule } from './harness.ts';
import type { BestRun, FitJob } from './trainer-fit-runner.ts';
import { writeTableFile } from './trainer-table-file.ts';

const SEED = 42;
const BIG_ROWS = Number(process.env.TRAINER_BENCH_ROWS ?? 200_000);
/** The dense network gets fewer epochs on the big table (both sides): 200 epochs of 180k rows is minutes. */
const BIG_EPOCHS = 5;

/** Extra scikit-learn rows: our trainer beside another reference estimator of the python script. */
const ALSO: Record<string, string[]> = {
  GradientBoostingRegressorTrainer: ['HistGradientBoostingRegressor'],
};
const SVR_MAX_ROWS = 20_000;
const REPEATS = Number(process.env.TRAINER_BENCH_REPEATS ?? 3);
const ONLY = process.env.TRAINER_BENCH_ONLY?.split(',').filter(Boolean);
const selected = (names: string[]) => (ONLY ? names.filter((n) => ONLY.includes(n)) : names);

/** Compiles the fit runner to one JavaScript file in the bench's scratch directory; returns its path. */
async function buildRunner(dir: string): Promise<string> {
  const outfile = join(dir, 'trainer-fit-runner.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('./trainer-fit-runner.ts', import.meta.url))],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM may still call require.
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
  });
  return outfile;
}

/** Our side of one table: the fit runner in a node process of its own. */
async function fitOurs(ctx: BenchContext, runner: string, table: Table, job: Omit<FitJob, 'table'>) {
  const tableFile = join(ctx.tmpDir, 'table.bin');
  const jobFile = join(ctx.tmpDir, 'job.json');
  writeTableFile(tableFile, table);
  await writeFile(jobFile, JSON.stringify({ ...job, table: tableFile } satisfies FitJob));
  const { stdout } = await promisify(execFile)(process.execPath, [runner, jobFile], {
    maxBuffer: 1 << 20,
  });
  return new Map(Object.entries(JSON.parse(stdout) as Record<string, BestRun>));
}

async function compare(
  ctx: BenchContext,
  runner: string,
  label: string,
  table: Table,
  trainers: string[],
  epochs: number,
) {
  if (trainers.length === 0) return;
  const split = holdoutSplit(table.x.rows, SEED);
  const ours = await fitOurs(ctx, runner, table, {
    trainers,
    repeats: REPEATS,
    seed: SEED,
    denseEpochs: epochs,
  });
  const ref = await runSklearn({
    ...sklearnJobFor(
      table,
      split,
      trainers.flatMap((t) => [t, ...(ALSO[t] ?? [])]),
      SEED,
      epochs,
    ),
    repeats: REPEATS,
  });

  for (const trainer of trainers) {
    const mine = ours.get(trainer)!;
    for (const refName of [trainer, ...(ALSO[trainer] ?? [])]) {
      const theirs = Object.values(ref.results[refName]!);
      if (theirs.some((v) => (v as { unavailable?: boolean }).unavailable)) continue;
      const seconds = theirs.reduce((s, v) => s + v.fitSeconds + v.predictSeconds, 0);
      const mae = theirs.reduce((s, v) => s + v.mae, 0) / theirs.length;
      const versus =
        refName === 'XgboostFitTrainer'
          ? `xgboost ${(ref as { xgboost?: string }).xgboost}`
          : refName === trainer
            ? `scikit-learn ${ref.sklearn}`
            : `${refName} ${ref.sklearn}`;
      const cpuSeconds = theirs.reduce((s, v) => s + v.cpuSeconds, 0);
      const name = `${trainer.replace('Trainer', '')} ${label} (MAE ${mae4(mine.mae)} vs ${mae4(mae)})`;
      ctx.row({
        name,
        value: mine.seconds * 1000,
        unit: 'ms',
        baseline: versus,
        baselineValue: seconds * 1000,
        target: '>= 1×',
      });
      ctx.row({
        name: `  the same, CPU time (least of ${REPEATS})`,
        value: mine.cpuSeconds * 1000,
        unit: 'ms',
        baseline: versus,
        baselineValue: cpuSeconds * 1000,
      });
    }
  }
}

const mae4 = (v: number) => v.toPrecision(4);

const bench: BenchModule = {
  title: 'Trainers: fit + holdout predict vs scikit-learn on the same rows',
  skip: () => sklearnUnavailable(),
  async run(ctx) {
    const runner = await buildRunner(ctx.tmpDir);
    const names = selected([...TRAINER_NAMES]);
    const small = loadKeplerTable();
    await compare(ctx, runner, `${small.x.rows} rows ×${Object.keys(small.y).length}`, small, names, 200);
    const big = syntheticTable(BIG_ROWS, SEED);
    const bigOnePackage: Table = { ...big, y: { package: big.y.package! } };
    const svr = names.filter((n) => n === 'SVRRegressorTrainer');
    if (BIG_ROWS > SVR_MAX_ROWS && svr.length > 0) {
      const capped = syntheticTable(SVR_MAX_ROWS, SEED);
      ctx.note(
        `SVR on ${SVR_MAX_ROWS} synthetic rows on both sides (it is O(rows²); the trainer caps rows there)`,
      );
      await compare(
        ctx,
        runner,
        `${SVR_MAX_ROWS / 1000}k rows`,
        { ...capped, y: { package: capped.y.package! } },
        svr,
        1,
      );
    }
    ctx.note(
      `${BIG_ROWS} synthetic rows, 4 features, package component only; dense network ${BIG_EPOCHS} epochs on both sides`,
    );
    const trainers = BIG_ROWS > SVR_MAX_ROWS ? names.filter((n) => n !== 'SVRRegressorTrainer') : names;
    await compare(ctx, runner, `${BIG_ROWS / 1000}k rows`, bigOnePackage, trainers, BIG_EPOCHS);
  },
};

export default bench;
