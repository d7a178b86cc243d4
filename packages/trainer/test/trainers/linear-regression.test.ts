import { describe, expect, it } from 'vitest';
import { LinearRegressionTrainer } from '../../src/trainers/linear-regression.ts';
import { SGDRegressorTrainer } from '../../src/trainers/sgd-regressor.ts';
import { decodedPredictions, decodeFormat, hex, randomMatrix, targetOf } from './helpers.ts';

// Columns deliberately not in sorted order: Kepler's weights list features sorted, the matrix need not.
const features = ['b_load', 'a_load', 'c_idle'];

describe('LinearRegressionTrainer', () => {
  const x = randomMatrix(500, 3, 11);
  const trainer = new LinearRegressionTrainer();

  it('recovers y = 3 + 2a + 0.5b exactly (within 1e-6) in raw feature units', () => {
    const y = targetOf(x, (r) => 3 + 2 * r[1]! + 0.5 * r[0]!);
    const fit = trainer.fit(x, y, { seed: 1, features });
    expect(fit.bias).toBeCloseTo(3, 6);
    // Kepler applies weight to x / scale, so the raw-unit coefficient is weight / scale.
    expect(fit.weights[1]! / fit.scale[1]!).toBeCloseTo(2, 6);
    expect(fit.weights[0]! / fit.scale[0]!).toBeCloseTo(0.5, 6);
    expect(Math.abs(fit.weights[2]!)).toBeLessThan(1e-9);
  });

  it('keeps coefficients non-negative and optimal under that constraint (KKT)', () => {
    const y = targetOf(x, (r) => 10 + 1.5 * r[0]! - 0.8 * r[1]! + 0.01 * r[2]!);
    const fit = trainer.fit(x, y, { seed: 1, features });
    for (const w of fit.weights) expect(w).toBeGreaterThanOrEqual(0);
    expect(fit.weights[1]).toBe(0);
    // At the optimum the residual is orthogonal to every free column, and a clamped column would only hurt.
    const pred = fit.predict(x);
    const resid = y.map((v, i) => v - pred[i]!);
    let meanResid = 0;
    for (const v of resid) meanResid += v / resid.length;
    expect(Math.abs(meanResid)).toBeLessThan(1e-8);
    const grad = [0, 1, 2].map((c) => {
      let g = 0;
      for (let r = 0; r < x.rows; r++) g += (x.data[r * 3 + c]! / fit.scale[c]!) * resid[r]!;
      return g;
    });
    expect(Math.abs(grad[0]!)).toBeLessThan(1e-6);
    expect(grad[1]).toBeLessThan(1e-6);
  });

  it('exports Kepler weights that Kepler’s runtime evaluates to exactly the trainer’s predictions', () => {
    const fits = {
      package: trainer.fit(
        x,
        targetOf(x, (r) => 40 + 0.3 * r[0]! + 0.2 * r[1]!),
        { seed: 1, features },
      ),
      dram: trainer.fit(
        x,
        targetOf(x, (r) => 8 + 0.05 * r[2]!),
        { seed: 1, features },
      ),
    };
    const exported = trainer.export(fits, { seed: 1, features });
    expect(exported.formats).toEqual([{ name: 'kepler-weights', files: ['weights.json'] }]);
    const json = JSON.parse(new TextDecoder().decode(exported.files[0]!.data));
    expect(Object.keys(json.package.All_Weights.Numerical_Variables)).toEqual(['a_load', 'b_load', 'c_idle']);
    expect(json.package.All_Weights.Numerical_Variables.b_load.scale).toBe(fits.package.scale[0]);
    return decodeFormat(exported, 'kepler-weights', trainer.name).then((model) => {
      const got = decodedPredictions(model, x, features);
      expect(got.package).toEqual(fits.package.predict(x));
      expect(got.dram).toEqual(fits.dram.predict(x));
    });
  });

  it('is deterministic: the same data and seed give identical bytes', () => {
    const y = targetOf(x, (r) => 1 + r[0]! + r[2]!);
    const once = () =>
      trainer.export({ package: trainer.fit(x, y, { seed: 5, features }) }, { seed: 5, features });
    expect(hex(once())).toEqual(hex(once()));
  });

  it('rejects a feature list that does not match the matrix, naming both sizes', () => {
    expect(() => trainer.fit(x, new Float64Array(500), { seed: 1, features: ['a'] })).toThrow(
      /1 features .* 3 columns/,
    );
  });
});

describe('SGDRegressorTrainer', () => {
  const x = randomMatrix(2000, 3, 3);
  const trainer = new SGDRegressorTrainer();

  it('approaches the least-squares line of a noiseless linear target (within 2 % of the range)', () => {
    const y = targetOf(x, (r) => 20 + 0.4 * r[0]! + 0.1 * r[1]!);
    const fit = trainer.fit(x, y, { seed: 9, features });
    const pred = fit.predict(x);
    let worst = 0;
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(pred[i]! - y[i]!));
    expect(worst).toBeLessThan(0.02 * 50);
  });

  it('is seeded: same seed → same bytes, another seed → another shuffle', () => {
    const y = targetOf(x, (r) => 5 + r[0]!);
    const bytes = (seed: number) =>
      hex(trainer.export({ package: trainer.fit(x, y, { seed, features }) }, { seed, features }));
    expect(bytes(1)).toEqual(bytes(1));
    expect(bytes(1)).not.toEqual(bytes(2));
  });

  it('exports Kepler weights that decode to identical predictions', async () => {
    const fit = trainer.fit(
      x,
      targetOf(x, (r) => 5 + r[0]!),
      { seed: 1, features },
    );
    const model = await decodeFormat(
      trainer.export({ package: fit }, { seed: 1, features }),
      'kepler-weights',
      trainer.name,
    );
    expect(decodedPredictions(model, x, features).package).toEqual(fit.predict(x));
  });
});
