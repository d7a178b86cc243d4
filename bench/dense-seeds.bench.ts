// The dense network's accuracy against scikit-learn's MLPRegressor over several seeds. `pnpm bench trainers`
// fits each side once with seed 42, and a 5-epoch network's MAE moves by 15–20 % from one seed to the next
// (initial weights and batch order), so a one-seed gap says little. Here both sides train with seeds 1..N on
// the same rows and split (the split stays seed 42's), and each row is the mean MAE beside MLPRegressor's.
// TS side under tsx (accuracy only, nothing timed). DENSE_SEEDS=N (default 5) seeds.
import { DenseNetworkTrainer } from '../packages/trainer/src/trainers/dense-network.ts';
import {
  evaluateTrainer,
  holdoutSplit,
  sklearnJobFor,
  syntheticTable,
  type Table,
} from '../packages/trainer/test/trainers/data.ts';
import { runSklearn, sklearnUnavailable } from '../test/helpers/sklearn-reference.ts';
import type { BenchModule } from './harness.ts';

const SEEDS = Number(process.env.DENSE_SEEDS ?? 5);
/** The sizes and epochs of `pnpm bench trainers` above its 2,202-row table. */
const CASES = [
  { rows: 20_000, epochs: 5 },
  { rows: 200_000, epochs: 5 },
];

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + (x - mean(xs)) ** 2, 0) / (xs.length - 1));

const bench: BenchModule = {
  title: 'Dense network MAE over seeds vs scikit-learn MLPRegressor',
  skip: () => sklearnUnavailable(),
  async run(ctx) {
    for (const { rows, epochs } of CASES) {
      const all = syntheticTable(rows, 42);
      const table: Table = { ...all, y: { package: all.y.package! } };
      const split = holdoutSplit(rows, 42);
      const ours: number[] = [];
      const theirs: number[] = [];
      for (let seed = 1; seed <= SEEDS; seed++) {
        const fit = await evaluateTrainer(new DenseNetworkTrainer({ epochs }), table, split, seed);
        ours.push(fit.package!.mae);
        const ref = await runSklearn(sklearnJobFor(table, split, ['DenseNetworkTrainer'], seed, epochs));
        theirs.push(ref.results.DenseNetworkTrainer!.package!.mae);
      }
      const label = `${rows / 1000}k rows, ${epochs} epochs`;
      ctx.note(
        `${label}: MAE per seed, ours ${ours.map((m) => m.toFixed(3)).join(' ')}; MLPRegressor ${theirs.map((m) => m.toFixed(3)).join(' ')}`,
      );
      ctx.row({
        name: `DenseNetwork MAE, mean of ${SEEDS} seeds, ${label}`,
        value: mean(ours),
        unit: 'W',
        baseline: `MLPRegressor (sd ours ${sd(ours).toFixed(3)}, theirs ${sd(theirs).toFixed(3)})`,
        baselineValue: mean(theirs),
        higherIsBetter: false,
        target: 'equal MAE (within one sd)',
      });
    }
  },
};

export default bench;
