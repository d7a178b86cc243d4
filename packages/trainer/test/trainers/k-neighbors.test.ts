import { describe, expect, it } from 'vitest';
import { KNeighborsRegressorTrainer } from '../../src/trainers/k-neighbors.ts';
import { Rng } from '../../src/trainers/rng.ts';
import type { Matrix } from '../../src/trainers/types.ts';
import { decodedPredictions, decodeFormat, meanAbsoluteError, randomMatrix, targetOf } from './helpers.ts';

const features = ['a', 'b', 'c'];

/** Brute force: mean target of the k rows nearest in scaled space, ties to the lower row index. */
function bruteForce(train: Matrix, y: Float64Array, query: Matrix, k: number): Float64Array {
  const scale = [0, 1, 2].map((c) =>
    Math.max(...Array.from({ length: train.rows }, (_, r) => Math.abs(train.data[r * 3 + c]!))),
  );
  return Float64Array.from({ length: query.rows }, (_, q) => {
    const d = Array.from({ length: train.rows }, (_, r) => {
      let s = 0;
      for (let c = 0; c < 3; c++) {
        const diff = query.data[q * 3 + c]! / scale[c]! - train.data[r * 3 + c]! / scale[c]!;
        s += diff * diff;
      }
      return { s, r };
    }).sort((u, v) => u.s - v.s || u.r - v.r);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += y[d[j]!.r]!;
    return sum / k;
  });
}

describe('KNeighborsRegressorTrainer', () => {
  const trainer = new KNeighborsRegressorTrainer();

  it('finds exactly the brute-force neighbours, including ties between duplicate rows', () => {
    // Integer grid values make many equal distances and duplicate points.
    const rng = new Rng(4);
    const train: Matrix = {
      rows: 3000,
      cols: 3,
      data: Float64Array.from({ length: 9000 }, () => rng.int(12)),
    };
    const y = Float64Array.from({ length: 3000 }, (_, i) => i);
    const query: Matrix = {
      rows: 300,
      cols: 3,
      data: Float64Array.from({ length: 900 }, () => rng.int(14) - 1),
    };
    const fit = trainer.fit(train, y, { seed: 1, features });
    expect(fit.predict(query)).toEqual(bruteForce(train, y, query, 6));
  });

  it('learns a smooth function: holdout MAE under 3 % of the range', () => {
    const train = randomMatrix(5000, 3, 1);
    const test = randomMatrix(300, 3, 2);
    const f = (r: Float64Array) => 20 + 10 * Math.sin(r[0]! / 20) + r[1]! / 10;
    const fit = trainer.fit(train, targetOf(train, f), { seed: 1, features });
    const want = targetOf(test, f);
    expect(meanAbsoluteError(fit.predict(test), want)).toBeLessThan(
      0.03 * (Math.max(...want) - Math.min(...want)),
    );
  });

  it('exports the reference points to modelshelf-json and decodes to identical predictions', async () => {
    const train = randomMatrix(1000, 3, 6);
    const test = randomMatrix(200, 3, 7);
    const fits = {
      package: trainer.fit(
        train,
        targetOf(train, (r) => r[0]! + r[1]!),
        { seed: 1, features },
      ),
      dram: trainer.fit(
        train,
        targetOf(train, (r) => r[2]!),
        { seed: 1, features },
      ),
    };
    const exported = trainer.export(fits, { seed: 1, features });
    const got = decodedPredictions(await decodeFormat(exported, 'modelshelf-json'), test, features);
    expect(got.package).toEqual(fits.package.predict(test));
    expect(got.dram).toEqual(fits.dram.predict(test));
  });

  it('refuses to merge components fitted on different rows', () => {
    const a = trainer.fit(randomMatrix(50, 3, 1), new Float64Array(50), { seed: 1, features });
    const b = trainer.fit(randomMatrix(50, 3, 2), new Float64Array(50), { seed: 1, features });
    expect(() => trainer.export({ package: a, dram: b }, { seed: 1, features })).toThrow(/different inputs/);
  });

  it('needs at least k rows', () => {
    expect(() => trainer.fit(randomMatrix(5, 3, 1), new Float64Array(5), { seed: 1, features })).toThrow(
      /k = 6/,
    );
  });
});
