import type { GradientBoostingComponent } from '@modelshelf/formats';
import { describe, expect, it } from 'vitest';
import { GradientBoostingRegressorTrainer } from '../../src/trainers/gradient-boosting.ts';
import {
  decodedPredictions,
  decodeFormat,
  hex,
  meanAbsoluteError,
  randomMatrix,
  targetOf,
} from './helpers.ts';

const features = ['cpu', 'mem'];
const smooth = (r: Float64Array) => 50 + 30 * Math.sin(r[0]! / 30) + 0.2 * r[0]! * (r[1]! / 100);

describe('GradientBoostingRegressorTrainer', () => {
  const trainer = new GradientBoostingRegressorTrainer();
  const train = randomMatrix(2000, 2, 8);
  const test = randomMatrix(400, 2, 9);

  it('learns a smooth function: holdout MAE under 2 % of the target range', () => {
    const fit = trainer.fit(train, targetOf(train, smooth), { seed: 1, features });
    const want = targetOf(test, smooth);
    const range = Math.max(...want) - Math.min(...want);
    expect(meanAbsoluteError(fit.predict(test), want)).toBeLessThan(0.02 * range);
  });

  it('grows 100 trees of depth ≤ 3 starting from the mean, and splits a step exactly at its edge', () => {
    const y = targetOf(train, (r) => (r[1]! > 60 ? 10 : 0));
    const fit = trainer.fit(train, y, { seed: 1, features });
    const c = fit.component as GradientBoostingComponent;
    expect(c.trees).toHaveLength(100);
    expect(c.init).toBeCloseTo(y.reduce((a, b) => a + b, 0) / y.length, 12);
    for (const t of c.trees) expect(t.feature.length).toBeLessThanOrEqual(15);
    const root = c.trees[0]!;
    expect(root.feature[0]).toBe(1);
    // The threshold sits between the largest scaled value ≤ 60 and the smallest > 60.
    const scaled = [...Array(train.rows).keys()].map(
      (r) => train.data[r * 2 + 1]! / (fit.model.scale[1] ?? 1),
    );
    const below = Math.max(...scaled.filter((_, r) => train.data[r * 2 + 1]! <= 60));
    const above = Math.min(...scaled.filter((_, r) => train.data[r * 2 + 1]! > 60));
    expect(root.threshold[0]).toBeGreaterThanOrEqual(below);
    expect(root.threshold[0]).toBeLessThan(above);
    expect(meanAbsoluteError(fit.predict(train), y)).toBeLessThan(1e-3);
  });

  it('exports flat trees in modelshelf-json that decode to identical predictions, deterministically', async () => {
    const make = () => ({
      package: trainer.fit(train, targetOf(train, smooth), { seed: 1, features }),
      dram: trainer.fit(
        train,
        targetOf(train, (r) => r[1]! / 10),
        { seed: 1, features },
      ),
    });
    const fits = make();
    const exported = trainer.export(fits, { seed: 1, features });
    expect(hex(exported)).toEqual(hex(trainer.export(make(), { seed: 1, features })));
    const got = decodedPredictions(await decodeFormat(exported, 'modelshelf-json'), test, features);
    expect(got.package).toEqual(fits.package.predict(test));
    expect(got.dram).toEqual(fits.dram.predict(test));
  });

  it('hist mode: same smooth-function accuracy, same exported kind, and the same step split as exact', async () => {
    const hist = new GradientBoostingRegressorTrainer({ method: 'hist' });
    const fit = hist.fit(train, targetOf(train, smooth), { seed: 1, features });
    const want = targetOf(test, smooth);
    const range = Math.max(...want) - Math.min(...want);
    expect(meanAbsoluteError(fit.predict(test), want)).toBeLessThan(0.02 * range);
    // A step on a feature with few distinct values is split exactly where the exact trainer splits it.
    const stepped = { ...train, data: train.data.map((v, i) => (i % 2 === 1 ? Math.round(v) : v)) };
    const y = targetOf(stepped, (r) => (r[1]! > 60 ? 10 : 0));
    const h = hist.fit(stepped, y, { seed: 1, features }).component as GradientBoostingComponent;
    const e = trainer.fit(stepped, y, { seed: 1, features }).component as GradientBoostingComponent;
    expect(h.trees[0]!.feature[0]).toBe(1);
    expect(h.trees[0]!.threshold[0]).toBe(e.trees[0]!.threshold[0]);
    const exported = hist.export({ package: fit }, { seed: 1, features });
    const got = decodedPredictions(await decodeFormat(exported, 'modelshelf-json'), test, features);
    expect(got.package).toEqual(fit.predict(test));
  });

  it("'auto' uses exact splits up to 10,000 rows (scikit-learn's trees) and histograms above", () => {
    const auto = new GradientBoostingRegressorTrainer();
    const y = targetOf(train, smooth);
    const exact = new GradientBoostingRegressorTrainer({ method: 'exact' });
    expect(auto.fit(train, y, { seed: 1, features }).model).toEqual(
      exact.fit(train, y, { seed: 1, features }).model,
    );
    const big = randomMatrix(12_000, 2, 10);
    const yb = targetOf(big, smooth);
    const hist = new GradientBoostingRegressorTrainer({ method: 'hist', nEstimators: 3 });
    const autoSmall = new GradientBoostingRegressorTrainer({ nEstimators: 3 });
    expect(autoSmall.fit(big, yb, { seed: 1, features }).model).toEqual(
      hist.fit(big, yb, { seed: 1, features }).model,
    );
  });
});
