// The shared tree runtime: both split rules at the threshold itself, missing values on either path (rows with
// and without a NaN take different loops), float32 sums, and a layout that refuses a node reached twice.
import { describe, expect, it } from 'vitest';
import { addForest, addForestFloat32, below, forestOf, type TreeArrays } from '../../src/runtime/forest.ts';

// x0 <= 0.5 ? (x1 <= 2 ? 10 : 20) : 30, with a NaN in x0 sent left and one in x1 sent right.
const stump: TreeArrays = {
  left: Int32Array.from([1, 3, -1, -1, -1]),
  right: Int32Array.from([2, 4, -1, -1, -1]),
  feature: Int32Array.from([0, 1, -2, -2, -2]),
  threshold: [0.5, 2, 0, 0, 0],
  value: [0, 0, 30, 10, 20],
  missingLeft: Uint8Array.from([1, 0, 0, 0, 0]),
};

function predict(rule: 'left-if-less-or-equal' | 'left-if-less', rows: number[][]): number[] {
  const xs = Float64Array.from(rows.flat());
  const acc = new Float64Array(rows.length);
  addForest(forestOf([stump, stump], rule), xs, rows.length, 2, acc, 0.5);
  return [...acc];
}

describe('forest runtime', () => {
  it('sends a value equal to the threshold left under <= and right under <', () => {
    expect(predict('left-if-less-or-equal', [[0.5, 2]])).toEqual([10]);
    expect(predict('left-if-less', [[0.5, 2]])).toEqual([30]);
    expect(predict('left-if-less', [[0.4999, 1.999]])).toEqual([10]);
  });

  it('walks rows without NaN and rows with NaN to the same leaves, NaN taking its missing side', () => {
    const plain = [
      [0, 1],
      [0, 3],
      [1, 1],
    ];
    expect(predict('left-if-less-or-equal', plain)).toEqual([10, 20, 30]);
    // the NaN row switches the whole batch to the missing-value walk; the other rows must not move
    expect(predict('left-if-less-or-equal', [...plain, [Number.NaN, 1], [0, Number.NaN]])).toEqual([
      10, 20, 30, 10, 20,
    ]);
  });

  it('rounds every sum to float32 in addForestFloat32', () => {
    const tiny: TreeArrays = { ...stump, value: [0.1, 0.1, 0.1, 0.1, 0.1] };
    const acc = new Float32Array(1);
    addForestFloat32(forestOf([tiny, tiny, tiny], 'left-if-less'), Float64Array.from([1, 1]), 1, 2, acc);
    let expected = Math.fround(0);
    for (let t = 0; t < 3; t++) expected = Math.fround(expected + 0.1);
    expect(acc[0]).toBe(expected);
  });

  it('refuses nodes that form a graph rather than a tree', () => {
    const shared: TreeArrays = {
      left: Int32Array.from([1, -1]),
      right: Int32Array.from([1, -1]),
      feature: Int32Array.from([0, -2]),
      threshold: [0, 0],
      value: [0, 1],
    };
    expect(() => forestOf([shared], 'left-if-less-or-equal')).toThrow(/reached twice/);
  });

  it('below(t) is the float64 just under t, so x <= below(t) exactly when x < t', () => {
    for (const t of [1, -1, 0.5, 1e-300, -1e300, Number.MAX_VALUE, Number.POSITIVE_INFINITY]) {
      const b = below(t);
      expect(b).toBeLessThan(t);
      expect(t <= b).toBe(false);
    }
    expect(below(0)).toBe(-Number.MIN_VALUE);
    expect(Number.isNaN(below(Number.NEGATIVE_INFINITY))).toBe(true);
    expect(Number.isNaN(below(Number.NaN))).toBe(true);
  });
});
