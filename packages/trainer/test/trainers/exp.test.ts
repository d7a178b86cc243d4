import { describe, expect, it } from 'vitest';
import { exp } from '../../src/trainers/exp.ts';

/** Distance in units in the last place between two positive doubles. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

describe('exp (the SVR kernel exp)', () => {
  it('is within 2 ulp of Math.exp over the normal range, seeded and at the table edges', () => {
    let worst = 0;
    let s = 7;
    const xs: number[] = [0, -0, 1, -1, Math.LN2, -Math.LN2, Math.LN2 / 128, -Math.LN2 / 128, 700, -707.9];
    for (let i = 0; i < 200_000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      xs.push((s / 2 ** 32) * 1_400 - 705);
    }
    for (const x of xs) worst = Math.max(worst, ulps(exp(x), Math.exp(x)));
    expect(worst).toBeLessThanOrEqual(2);
    expect(exp(0)).toBe(1);
  });

  it('defers to Math.exp outside the normal range and for NaN and ±∞', () => {
    for (const x of [
      -708,
      -745,
      -800,
      709,
      710,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      Number.NaN,
    ]) {
      expect(Object.is(exp(x), Math.exp(x))).toBe(true);
    }
  });
});
