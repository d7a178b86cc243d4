import { describe, expect, it } from 'vitest';
import { allTrainers, TRAINER_NAMES, trainerByName } from '../../src/trainers/index.ts';

describe('trainer registry', () => {
  it('lists Kepler trainer names, one fresh instance each', () => {
    const a = allTrainers();
    expect(a.map((t) => t.name)).toEqual(TRAINER_NAMES);
    expect(TRAINER_NAMES).toContain('SGDRegressorTrainer');
    expect(TRAINER_NAMES).toContain('GradientBoostingRegressorTrainer');
    const b = allTrainers();
    a.forEach((t, i) => {
      expect(t).not.toBe(b[i]);
    });
  });

  it('finds a trainer by name and names the known ones otherwise', () => {
    expect(trainerByName('KNeighborsRegressorTrainer').name).toBe('KNeighborsRegressorTrainer');
    expect(trainerByName('LinearRegressionTrainer')).not.toBe(trainerByName('LinearRegressionTrainer'));
    expect(() => trainerByName('XGBoostTrainer')).toThrow(
      /unknown trainer "XGBoostTrainer"; known trainers: .*SGDRegressorTrainer/,
    );
  });

  it('refuses to export a component fitted by another trainer', () => {
    const x = { rows: 10, cols: 1, data: Float64Array.from({ length: 10 }, (_, i) => i) };
    const y = Float64Array.from({ length: 10 }, (_, i) => 2 * i);
    const opts = { seed: 1, features: ['a'] };
    const linear = trainerByName('LinearRegressionTrainer');
    const poly = trainerByName('PolynomialRegressionTrainer');
    return Promise.resolve(poly.fit(x, y, opts)).then((fit) => {
      expect(() => linear.export({ package: fit }, opts)).toThrow(/not fitted by LinearRegressionTrainer/);
    });
  });
});
