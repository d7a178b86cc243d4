import { describe, expect, it } from 'vitest';
import { DenseNetworkTrainer } from '../../src/trainers/dense-network.ts';
import {
  decodedPredictions,
  decodeFormat,
  hex,
  meanAbsoluteError,
  randomMatrix,
  targetOf,
} from './helpers.ts';

const features = ['cpu', 'mem'];
const smooth = (r: Float64Array) => 40 + 25 * Math.sqrt(r[0]! / 100) + 5 * (r[1]! / 100);

describe('DenseNetworkTrainer', () => {
  const trainer = new DenseNetworkTrainer({ epochs: 100 });
  const train = randomMatrix(1000, 2, 12);
  const test = randomMatrix(200, 2, 13);

  it('learns a smooth function: holdout MAE under 3 % of the target range', () => {
    const fit = trainer.fit(train, targetOf(train, smooth), { seed: 1, features });
    const want = targetOf(test, smooth);
    expect(meanAbsoluteError(fit.predict(test), want)).toBeLessThan(
      0.03 * (Math.max(...want) - Math.min(...want)),
    );
  });

  it('exports modelshelf-json and tfjs-layers that predict exactly what the trainer does, TFLite within float32', async () => {
    const fits = {
      package: trainer.fit(train, targetOf(train, smooth), { seed: 1, features }),
      dram: trainer.fit(
        train,
        targetOf(train, (r) => 10 + r[1]! / 20),
        { seed: 2, features },
      ),
    };
    const exported = await trainer.export(fits, { seed: 1, features });
    expect(exported.formats.map((f) => f.name)).toEqual(['modelshelf-json', 'tfjs-layers', 'tflite']);
    for (const format of ['modelshelf-json', 'tfjs-layers']) {
      const got = decodedPredictions(await decodeFormat(exported, format), test, features);
      expect(got.package, format).toEqual(fits.package.predict(test));
      expect(got.dram, format).toEqual(fits.dram.predict(test));
    }
    // TFLite has no input-scaling op: the writer folds 1/scale into the first kernel, a float32 rounding apart.
    const lite = decodedPredictions(await decodeFormat(exported, 'tflite'), test, features);
    for (const c of ['package', 'dram'] as const) {
      const want = fits[c].predict(test);
      lite[c]!.forEach((v, i) => {
        expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5 * Math.abs(want[i]!) + 1e-6);
      });
    }
  });

  it('is deterministic for a seed and varies with it', async () => {
    const y = targetOf(train, smooth);
    const small = new DenseNetworkTrainer({ epochs: 5 });
    const bytes = async (seed: number) =>
      hex(await small.export({ package: small.fit(train, y, { seed, features }) }, { seed, features }));
    expect(await bytes(3)).toEqual(await bytes(3));
    expect(await bytes(3)).not.toEqual(await bytes(4));
  });
});
