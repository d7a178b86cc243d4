import { describe, expect, it } from 'vitest';
import { bestPerGroup } from '../src/evaluate/best.ts';
import { holdoutSplit, takeRows } from '../src/evaluate/holdout.ts';
import { meanAbsoluteError, meanAbsolutePercentageError, round2 } from '../src/evaluate/metrics.ts';

describe('error measures', () => {
  it('MAE and MAPE on a tiny known input', () => {
    const y = [10, 20, 0, 40];
    const p = [12, 15, 1, 40];
    // |errors| = 2, 5, 1, 0 → MAE 2
    expect(meanAbsoluteError(y, p)).toBe(2);
    // over y > 0 only: 2/10, 5/20, 0/40 → (0.2 + 0.25 + 0) / 3 · 100 = 15
    expect(meanAbsolutePercentageError(y, p)).toBeCloseTo(15, 12);
  });

  it('MAPE is −1 when no true value is positive (Kepler: core on machines without a core counter)', () => {
    expect(meanAbsolutePercentageError([0, 0], [1, -1])).toBe(-1);
  });

  it('round2 matches Python round(x, 2), ties to even on exact binary ties', () => {
    expect(round2(51.98765)).toBe(51.99);
    expect(round2(0.125)).toBe(0.12); // exact tie → even
    expect(round2(0.375)).toBe(0.38);
    expect(round2(-0.125)).toBe(-0.12);
    expect(round2(2.675)).toBe(2.67); // 2.675 is 2.67499999… in binary
    expect(round2(-1)).toBe(-1);
  });
});

describe('holdout', () => {
  it('holds out ceil(10%) of the rows, disjoint, covering all, same for the same seed', () => {
    const a = holdoutSplit(187, 0);
    expect(a.test.length).toBe(19);
    expect(a.train.length).toBe(168);
    expect(new Set([...a.train, ...a.test]).size).toBe(187);
    expect(holdoutSplit(187, 0)).toEqual(a);
    expect(holdoutSplit(187, 1).test).not.toEqual(a.test);
    expect(holdoutSplit(6, 0).test.length).toBe(1);
  });

  it('takeRows copies the chosen rows of a row-major matrix', () => {
    const m = { data: Float64Array.from([1, 2, 3, 4, 5, 6]), rows: 3, cols: 2 };
    expect([...takeRows(m, [2, 0]).data]).toEqual([5, 6, 1, 2]);
  });
});

describe('best model', () => {
  it('picks the lowest mae per output type and feature group', () => {
    const best = bestPerGroup([
      { outputType: 'AbsPower', featureGroup: 'BPFOnly', trainer: 'A', mae: 3 },
      { outputType: 'AbsPower', featureGroup: 'BPFOnly', trainer: 'B', mae: 2 },
      { outputType: 'DynPower', featureGroup: 'BPFOnly', trainer: 'A', mae: 1 },
      { outputType: 'DynPower', featureGroup: 'BPFOnly', trainer: 'B', mae: 1 },
    ]);
    expect(best.get('AbsPower/BPFOnly')!.trainer).toBe('B');
    expect(best.get('DynPower/BPFOnly')!.trainer).toBe('A');
  });
});
