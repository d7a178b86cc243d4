// The trainer set against scikit-learn on the same rows in the same run: Kepler's real 2,202-row table and a
// 200,000-row synthetic table (4 features, smooth nonlinear target + noise). Each row is fit + holdout predict
// time for one trainer over the table's components, TypeScript beside scikit-learn/scipy (timed inside python,
// so interpreter start-up and data transfer are excluded), with both holdout MAEs in the row name.
// GradientBoostingRegressorTrainer is also set beside scikit-learn's HistGradientBoostingRegressor (100 trees of
// depth 3) and XgboostFitTrainer beside XGBoost itself (python3-xgboost). SVR is O(rows²): SVRRegressorTrainer fits
// at most 20,000 rows (a seeded sample above that), so its big-table row uses a 20,000-row table on both sides.
// TRAINER_BENCH_ONLY=SVRRegressorTrainer,XgboostFitTrainer restricts the run to those trainers.
// TRAINER_BENCH_REPEATS=N fits each trainer N times on both sides (default 3 up to 20,000 rows, 1 above): each
// row is the fastest wall time, and a second row the least CPU time (user + system), which load hardly moves.

import { DenseNetworkTrainer } from '../packages/trainer/src/trainers/dense-network.ts';
import { allTrainers } from '../packages/trainer/src/trainers/index.ts';
import type { Trainer } from '../packages/trainer/src/trainers/types.ts';
import {
  evaluateTrainer,
  holdoutSplit,
  loadKeplerTable,
  sklearnJobFor,
  syntheticTable,
  type Table,
} from '../packages/trainer/test/trainers/data.ts';
import { runSklearn, sklearnUnavailable } from '../test/helpers/sklearn-reference.ts';
import type { BenchContext, BenchModule } from './harness.ts';

const SEED = 42;
const BIG_ROWS = Number(process.env.TRAINER_BENCH_ROWS ?? 200_000);
/** The dense network gets fewer epochs on the big table (both sides): 200 epochs of 180k rows is minutes. */
const BIG_EPOCHS = 5;

/** Extra scikit-learn rows: our trainer beside another reference estimator of the python script. */
const ALSO: Record<string, string[]> = {
  GradientBoostingRegressorTrainer: ['HistGradientBoostingRegressor'],
};
const SVR_MAX_ROWS = 20_000;
const REPEATS = process.env.TRAINER_BENCH_REPEATS ? Number(process.env.TRAINER_BENCH_REPEATS) : undefined;
const repeatsFor = (rows: number) => REPEATS ?? (rows <= 20_000 ? 3 : 1);
const ONLY = process.env.TRAINER_BENCH_ONLY?.split(',').filter(Boolean);
const selected = (trainers: Trainer[]) => (ONLY ? trainers.filter((t) => ONLY.includes(t.name)) : trainers);

async function compare(ctx: BenchContext, label: string, table: Table, trainers: Trainer[], epochs: number) {
  if (trainers.length === 0) return;
  const split = holdoutSplit(table.x.rows, SEED);
  const repeats = repeatsFor(table.x.rows);
  const ours = new Map<string, { seconds: number; cpuSeconds: number; mae: number }>();
  for (const trainer of trainers) {
    // The fastest of the repeats (the first pays JIT compilation), and the least CPU time of any.
    let best: { seconds: number; cpuSeconds: number; mae: number } | undefined;
    for (let r = 0; r < repeats; r++) {
      const list = Object.values(await evaluateTrainer(trainer, table, split, SEED));
      const run = {
        seconds: list.reduce((s, v) => s + v.fitSeconds + v.predictSeconds, 0),
        cpuSeconds: list.reduce((s, v) => s + v.cpuSeconds, 0),
        mae: list.reduce((s, v) => s + v.mae, 0) / list.length,
      };
      const cpuSeconds = Math.min(run.cpuSeconds, best?.cpuSeconds ?? Number.POSITIVE_INFINITY);
      best = !best || run.seconds < best.seconds ? { ...run, cpuSeconds } : { ...best, cpuSeconds };
    }
    ours.set(trainer.name, best!);
  }
  const ref = await runSklearn({
    ...sklearnJobFor(
      table,
      split,
      trainers.flatMap((t) => [t.name, ...(ALSO[t.name] ?? [])]),
      SEED,
      epochs,
    ),
    repeats,
  });

  for (const trainer of trainers) {
    const mine = ours.get(trainer.name)!;
    for (const refName of [trainer.name, ...(ALSO[trainer.name] ?? [])]) {
      const theirs = Object.values(ref.results[refName]!);
      if (theirs.some((v) => (v as { unavailable?: boolean }).unavailable)) continue;
      const seconds = theirs.reduce((s, v) => s + v.fitSeconds + v.predictSeconds, 0);
      const mae = theirs.reduce((s, v) => s + v.mae, 0) / theirs.length;
      const versus =
        refName === 'XgboostFitTrainer'
          ? `xgboost ${(ref as { xgboost?: string }).xgboost}`
          : refName === trainer.name
            ? `scikit-learn ${ref.sklearn}`
            : `${refName} ${ref.sklearn}`;
      const cpuSeconds = theirs.reduce((s, v) => s + v.cpuSeconds, 0);
      const name = `${trainer.name.replace('Trainer', '')} ${label} (MAE ${mae4(mine.mae)} vs ${mae4(mae)})`;
      ctx.row({
        name,
        value: mine.seconds * 1000,
        unit: 'ms',
        baseline: versus,
        baselineValue: seconds * 1000,
        target: '>= 1×',
      });
      ctx.row({
        name: `  the same, CPU time (least of ${repeats})`,
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
    // Warm the JIT on a small slice first, as scikit-learn's compiled code needs no warm-up.
    const small = loadKeplerTable();
    await compare(
      ctx,
      'warm-up',
      {
        ...small,
        x: { ...small.x, rows: 300, data: small.x.data.slice(0, 300) },
        y: Object.fromEntries(Object.entries(small.y).map(([c, y]) => [c, y.slice(0, 300)])),
      },
      selected(allTrainers()),
      5,
    ).catch(() => undefined);
    await compare(
      ctx,
      `${small.x.rows} rows ×${Object.keys(small.y).length}`,
      small,
      selected(allTrainers()),
      200,
    );
    const big = syntheticTable(BIG_ROWS, SEED);
    const bigOnePackage: Table = { ...big, y: { package: big.y.package! } };
    const all = selected(allTrainers()).map((t) =>
      t.name === 'DenseNetworkTrainer' ? new DenseNetworkTrainer({ epochs: BIG_EPOCHS }) : t,
    );
    const trainers = BIG_ROWS > SVR_MAX_ROWS ? all.filter((t) => t.name !== 'SVRRegressorTrainer') : all;
    const svr = all.filter((t) => t.name === 'SVRRegressorTrainer');
    if (BIG_ROWS > SVR_MAX_ROWS && svr.length > 0) {
      const capped = syntheticTable(SVR_MAX_ROWS, SEED);
      ctx.note(
        `SVR on ${SVR_MAX_ROWS} synthetic rows on both sides (it is O(rows²); the trainer caps rows there)`,
      );
      await compare(
        ctx,
        `${SVR_MAX_ROWS / 1000}k rows`,
        { ...capped, y: { package: capped.y.package! } },
        svr,
        1,
      );
    }
    // The big table has 4 features, the real one 1: code paths for wider rows get their warm-up too.
    const slice = syntheticTable(300, SEED + 1);
    await compare(ctx, 'warm-up', { ...slice, y: { package: slice.y.package! } }, trainers, 5).catch(
      () => undefined,
    );
    ctx.note('(rows marked warm-up are JIT warm-up on 300 rows; ignore them)');
    ctx.note(
      `${BIG_ROWS} synthetic rows, 4 features, package component only; dense network ${BIG_EPOCHS} epochs on both sides`,
    );
    await compare(ctx, `${BIG_ROWS / 1000}k rows`, bigOnePackage, trainers, BIG_EPOCHS);
  },
};

export default bench;
