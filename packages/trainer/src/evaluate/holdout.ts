// Kepler's evaluation split: sklearn's train_test_split(test_size=0.1, shuffle=True), i.e. a random
// ceil(10%) of the rows is held out. Ours draws the permutation from a seeded xoroshiro128+ so
// that the same data and seed always hold out the same rows (sklearn's exact rows are not reproduced).
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { Matrix } from '../trainers/types.ts';

export const TEST_FRACTION = 0.1;

export interface Holdout {
  /** Row indices, ascending (row order stays chronological inside each part). */
  train: number[];
  test: number[];
}

export function holdoutSplit(rows: number, seed: number, testFraction = TEST_FRACTION): Holdout {
  const order = Array.from({ length: rows }, (_, i) => i);
  const rng = xoroshiro128plus(seed);
  for (let i = rows - 1; i > 0; i--) {
    const j = uniformInt(rng, 0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const testCount = Math.min(rows - 1, Math.max(1, Math.ceil(rows * testFraction)));
  const asc = (a: number, b: number) => a - b;
  return { test: order.slice(0, testCount).sort(asc), train: order.slice(testCount).sort(asc) };
}

export function takeRows(x: Matrix, rows: readonly number[]): Matrix {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => {
    data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
  });
  return { data, rows: rows.length, cols: x.cols };
}

export function takeValues(y: Float64Array, rows: readonly number[]): Float64Array {
  return Float64Array.from(rows, (r) => y[r]!);
}
