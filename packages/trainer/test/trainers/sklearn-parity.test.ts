// scikit-learn parity on Kepler's real 2,202-row training table: same rows, same seeded 10 % holdout, and
// every trainer's holdout MAE within 10 % of its scikit-learn/scipy counterpart (computed by Debian's python).
import { describe, expect, it } from 'vitest';
import {
  runSklearn,
  type SklearnResult,
  sklearnUnavailable,
} from '../../../../test/helpers/sklearn-reference.ts';
import { INSTALL_DEPS, skipUnless } from '../../../../test/support/skips.ts';
import { allTrainers } from '../../src/trainers/index.ts';
import { evaluateTrainer, holdoutSplit, loadKeplerTable, sklearnJobFor } from './data.ts';

const SEED = 42;
/** Allowed relative MAE excess over scikit-learn (being better is always fine). */
const TOLERANCE = 0.1;

const available = skipUnless({
  suite: 'trainer: MAE parity with scikit-learn',
  missing: sklearnUnavailable(),
  enable: `${INSTALL_DEPS} (python3-sklearn)`,
});

describe.runIf(available)('MAE parity with scikit-learn on the Kepler nx12 BPFOnly table', () => {
  const table = loadKeplerTable();
  const split = holdoutSplit(table.x.rows, SEED);
  const trainers = allTrainers();
  let reference: Promise<SklearnResult> | undefined;
  const sklearn = () =>
    (reference ??= runSklearn(
      sklearnJobFor(
        table,
        split,
        trainers.map((t) => t.name),
        SEED,
        200,
      ),
    ));

  it('uses the table as Kepler extracted it: 2,202 rows, 221 held out, package and dram targets', () => {
    expect(table.x.rows).toBe(2202);
    expect(split.test.length).toBe(221);
    expect(Object.keys(table.y)).toEqual(['package', 'dram']);
  });

  it.each(trainers.map((t) => [t.name, t] as const))(
    '%s: holdout MAE within 10 % of scikit-learn',
    async (name, trainer) => {
      const [ours, ref] = await Promise.all([evaluateTrainer(trainer, table, split, SEED), sklearn()]);
      for (const [component, score] of Object.entries(ours)) {
        const theirs = ref.results[name]![component]!.mae;
        console.info(
          `${name} ${component}: MAE ${score.mae.toFixed(4)} vs scikit-learn ${theirs.toFixed(4)}`,
        );
        expect(score.mae, `${name} ${component}`).toBeLessThanOrEqual(theirs * (1 + TOLERANCE));
      }
    },
    300_000,
  );
});
