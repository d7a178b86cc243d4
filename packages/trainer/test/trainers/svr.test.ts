import type { SvrComponent } from '@modelshelf/formats';
import { describe, expect, it } from 'vitest';
import {
  runSklearn,
  type SklearnResult,
  sklearnUnavailable,
} from '../../../../test/helpers/sklearn-reference.ts';
import { SVRRegressorTrainer, scaleGamma } from '../../src/trainers/svr.ts';
import { evaluateTrainer, holdoutSplit, loadKeplerTable, sklearnJobFor, syntheticTable } from './data.ts';
import { decodedPredictions, hex, meanAbsoluteError, randomMatrix, targetOf } from './helpers.ts';
import { decodeThroughRegistry } from './registry-decode.ts';

const features = ['cpu', 'mem'];
const smooth = (r: Float64Array) => 2 + Math.sin(r[0]! / 20) + 0.5 * (r[1]! / 100) ** 2;

describe('SVRRegressorTrainer', () => {
  const train = randomMatrix(800, 2, 3);
  const test = randomMatrix(200, 2, 4);

  it('recovers a smooth function inside the ε-tube (C = 10, ε = 0.01)', () => {
    const trainer = new SVRRegressorTrainer({ C: 10, epsilon: 0.01 });
    const fit = trainer.fit(train, targetOf(train, smooth), { seed: 1, features });
    expect(meanAbsoluteError(fit.predict(test), targetOf(test, smooth))).toBeLessThan(0.03);
  });

  it("uses Kepler's C = 1, ε = 0.2 and resolves gamma='scale' on the scaled matrix", () => {
    const trainer = new SVRRegressorTrainer();
    expect(trainer.hyperParameters).toMatchObject({ C: 1, epsilon: 0.2, gamma: 'scale', kernel: 'rbf' });
    const y = targetOf(train, smooth);
    const c = trainer.fit(train, y, { seed: 1, features }).component as SvrComponent;
    const scaled = train.data.map((v, i) => v / Math.max(...train.data.filter((_, j) => j % 2 === i % 2)));
    expect(c.gamma).toBeCloseTo(scaleGamma(scaled, 2), 12);
    // Only rows outside the ε-tube carry a coefficient, each bounded by C.
    expect(c.dualCoef.length).toBeLessThan(train.rows);
    for (const a of c.dualCoef) expect(Math.abs(a)).toBeLessThanOrEqual(1 + 1e-12);
  });

  it('fits a seeded sample of maxRows rows above the cap, and the same seed gives the same model', () => {
    const trainer = new SVRRegressorTrainer({ maxRows: 300 });
    const y = targetOf(train, smooth);
    const a = trainer.fit(train, y, { seed: 5, features });
    const b = trainer.fit(train, y, { seed: 5, features });
    const c = trainer.fit(train, y, { seed: 6, features });
    expect((a.component as SvrComponent).dualCoef.length).toBeLessThanOrEqual(300);
    expect(hex(trainer.export({ package: a }, { seed: 5, features }))).toEqual(
      hex(trainer.export({ package: b }, { seed: 5, features })),
    );
    expect(hex(trainer.export({ package: a }, { seed: 5, features }))).not.toEqual(
      hex(trainer.export({ package: c }, { seed: 6, features })),
    );
  });

  it('exports the svr kind that the default format registry decodes to identical predictions', async () => {
    const trainer = new SVRRegressorTrainer();
    const fits = {
      package: trainer.fit(train, targetOf(train, smooth), { seed: 1, features }),
      dram: trainer.fit(
        train,
        targetOf(train, (r) => r[1]! / 10),
        { seed: 1, features },
      ),
    };
    const exported = trainer.export(fits, { seed: 1, features });
    const decoded = await decodeThroughRegistry(exported, 'modelshelf-json');
    const got = decodedPredictions(decoded, test, features);
    expect(got.package).toEqual(fits.package.predict(test));
    expect(got.dram).toEqual(fits.dram.predict(test));
  });

  it('rejects bad hyper-parameters by name', () => {
    expect(() => new SVRRegressorTrainer({ C: 0 })).toThrow(/C must be > 0, got 0/);
    expect(() => new SVRRegressorTrainer({ gamma: -1 })).toThrow(/gamma must be > 0 or 'scale', got -1/);
  });
});

const missing = sklearnUnavailable();
if (missing) {
  if (process.env.CI === 'true') throw new Error(`SVR parity needs python3-sklearn in CI: ${missing}`);
  console.warn(`SKIPPING SVR scikit-learn parity: ${missing}`);
}

describe.skipIf(missing !== undefined)('SVRRegressorTrainer against scikit-learn SVR', () => {
  it.each([
    ['2,000 synthetic rows', () => syntheticTable(2000, 11)],
    ["Kepler's 2,202-row nx12 table", () => loadKeplerTable()],
  ])(
    'holdout MAE within 10 per cent of SVR(C=1.0, epsilon=0.2) on %s',
    async (_, make) => {
      const table = make();
      const split = holdoutSplit(table.x.rows, 42);
      const [ours, ref] = await Promise.all([
        evaluateTrainer(new SVRRegressorTrainer(), table, split, 42),
        runSklearn(sklearnJobFor(table, split, ['SVRRegressorTrainer'], 42, 1)) as Promise<SklearnResult>,
      ]);
      for (const [component, score] of Object.entries(ours)) {
        const theirs = ref.results.SVRRegressorTrainer![component]!.mae;
        expect(score.mae, component).toBeLessThanOrEqual(theirs * 1.1);
      }
    },
    120_000,
  );
});
