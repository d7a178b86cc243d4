import { describe, expect, it } from 'vitest';
import { PolynomialRegressionTrainer } from '../../src/trainers/polynomial-regression.ts';
import { decodedPredictions, decodeFormat, hex, randomMatrix, targetOf } from './helpers.ts';

const features = ['a', 'b'];

describe('PolynomialRegressionTrainer', () => {
  const trainer = new PolynomialRegressionTrainer();
  const x = randomMatrix(300, 2, 5);
  const truth = (r: Float64Array) => {
    const [a, b] = [r[0]!, r[1]!];
    return 1 + 2 * a + 3 * b + 0.04 * a * a + 0.05 * a * b - 0.06 * b * b;
  };

  it('recovers a degree-2 polynomial: predictions on unseen rows within 1e-6', () => {
    const fit = trainer.fit(x, targetOf(x, truth), { seed: 1, features });
    const unseen = randomMatrix(50, 2, 99, 150);
    const want = targetOf(unseen, truth);
    const got = fit.predict(unseen);
    want.forEach((v, i) => {
      expect(Math.abs(got[i]! - v)).toBeLessThan(1e-6);
    });
  });

  it('stores terms in scikit-learn PolynomialFeatures order', () => {
    const fit = trainer.fit(x, targetOf(x, truth), { seed: 1, features });
    expect(fit.model.kind === 'polynomial' && fit.model.terms).toEqual([[0], [1], [0, 0], [0, 1], [1, 1]]);
  });

  it('exports modelshelf-json that decodes to identical predictions, deterministically', async () => {
    const make = () => ({
      package: trainer.fit(x, targetOf(x, truth), { seed: 1, features }),
      dram: trainer.fit(
        x,
        targetOf(x, (r) => 3 + r[0]!),
        { seed: 1, features },
      ),
    });
    const fits = make();
    const exported = trainer.export(fits, { seed: 1, features });
    expect(hex(exported)).toEqual(hex(trainer.export(make(), { seed: 1, features })));
    const got = decodedPredictions(await decodeFormat(exported, 'modelshelf-json'), x, features);
    expect(got.package).toEqual(fits.package.predict(x));
    expect(got.dram).toEqual(fits.dram.predict(x));
  });
});
