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

  it('exports modelshelf-json, tfjs-layers and Keras HDF5 that predict what the trainer does, TFLite within float32', async () => {
    const fits = {
      package: trainer.fit(train, targetOf(train, smooth), { seed: 1, features }),
      dram: trainer.fit(
        train,
        targetOf(train, (r) => 10 + r[1]! / 20),
        { seed: 2, features },
      ),
    };
    const exported = await trainer.export(fits, { seed: 1, features });
    expect(exported.formats.map((f) => f.name)).toEqual([
      'modelshelf-json',
      'tfjs-layers',
      'tflite',
      'keras-h5',
    ]);
    for (const format of ['modelshelf-json', 'tfjs-layers']) {
      const got = decodedPredictions(await decodeFormat(exported, format), test, features);
      expect(got.package, format).toEqual(fits.package.predict(test));
      expect(got.dram, format).toEqual(fits.dram.predict(test));
    }
    // Keras HDF5 stores the same float32 weights and scale; decoded through the loader's own codec.
    const h5 = decodedPredictions(await decodeFormat(exported, 'keras-h5'), test, features);
    for (const c of ['package', 'dram'] as const) {
      const want = fits[c].predict(test);
      h5[c]!.forEach((v, i) => {
        expect(Math.abs(v - want[i]!)).toBeLessThan(1e-9);
      });
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

  it('writes the same Keras HDF5 bytes in different seconds (object-header times pinned)', async () => {
    const small = new DenseNetworkTrainer({ epochs: 2 });
    const fit = small.fit(train, targetOf(train, smooth), { seed: 3, features });
    const h5 = async () => {
      const exported = await small.export({ package: fit }, { seed: 3, features });
      return Buffer.from(exported.files.find((f) => f.path.endsWith('.h5'))!.data).toString('hex');
    };
    const first = await h5();
    // HDF5 times have one-second resolution: straddle a second boundary so a leaked clock would show.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await h5()).toEqual(first);
  });
});
