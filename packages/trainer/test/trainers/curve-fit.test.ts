import { describe, expect, it } from 'vitest';
import {
  ExponentialRegressionTrainer,
  LogarithmicRegressionTrainer,
  LogisticRegressionTrainer,
} from '../../src/trainers/curve-fit.ts';
import { curveValue } from '../../src/trainers/kepler-fit.ts';
import { decodedPredictions, decodeFormat, hex, randomMatrix } from './helpers.ts';

// Kepler's curve fits use x'0, the first feature in sorted order: here "a_cpu", the matrix's second column.
const features = ['z_other', 'a_cpu'];
const x = randomMatrix(400, 2, 21);
let scale = 0;
for (let r = 0; r < x.rows; r++) scale = Math.max(scale, x.data[r * 2 + 1]!);
const x0 = (r: number) => x.data[r * 2 + 1]! / scale;

const cases = [
  { trainer: new LogarithmicRegressionTrainer(), kind: 'logarithmic', truth: [30, 4, 50] },
  { trainer: new ExponentialRegressionTrainer(), kind: 'exponential', truth: [5, 1.5, 20] },
  { trainer: new LogisticRegressionTrainer(), kind: 'logistic', truth: [80, 0.4, 10, 30] },
] as const;

describe.each(cases)('$trainer.name', ({ trainer, kind, truth }) => {
  const y = Float64Array.from({ length: x.rows }, (_, r) => curveValue(kind, truth, x0(r)));

  it('recovers the generating parameters within 1 % from Kepler’s initial guess', () => {
    const fit = trainer.fit(x, y, { seed: 1, features });
    expect(fit.column).toBe(1);
    truth.forEach((p, i) => {
      expect(Math.abs(fit.params[i]! - p)).toBeLessThan(0.01 * Math.abs(p));
    });
  });

  it('ignores every feature but the first in sorted order', () => {
    const shuffled = { ...x, data: x.data.map((v, i) => (i % 2 === 0 ? 1000 - v : v)) };
    const a = trainer.fit(x, y, { seed: 1, features });
    const b = trainer.fit(shuffled, y, { seed: 1, features });
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });

  it('exports the CurveFit_Weights schema that Kepler’s runtime evaluates to exactly the trainer’s predictions', async () => {
    const fits = {
      package: trainer.fit(x, y, { seed: 1, features }),
      dram: trainer.fit(
        x,
        y.map((v) => v / 4),
        { seed: 1, features },
      ),
    };
    const exported = trainer.export(fits, { seed: 1, features });
    expect(exported.modelClass).toBe('curvefit');
    const json = JSON.parse(new TextDecoder().decode(exported.files[0]!.data));
    expect(json.package.All_Weights.CurveFit_Weights).toHaveLength(truth.length);
    expect(json.package.All_Weights).not.toHaveProperty('Bias_Weight');
    expect(Object.keys(json.package.All_Weights.Numerical_Variables)).toEqual(['a_cpu', 'z_other']);
    const model = await decodeFormat(exported, 'kepler-weights', trainer.name);
    const got = decodedPredictions(model, x, features);
    expect(got.package).toEqual(fits.package.predict(x));
    expect(got.dram).toEqual(fits.dram.predict(x));
  });

  it('is deterministic', () => {
    const once = () =>
      hex(trainer.export({ package: trainer.fit(x, y, { seed: 3, features }) }, { seed: 3, features }));
    expect(once()).toEqual(once());
  });
});
