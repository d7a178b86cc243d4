import { describe, expect, it } from 'vitest';
import { curveValue } from '../../src/trainers/kepler-fit.ts';
import { levenbergMarquardt, pointwiseCurve } from '../../src/trainers/levenberg-marquardt.ts';
import { Rng } from '../../src/trainers/rng.ts';
import { fitProjected, type ProjectedCurve } from '../../src/trainers/variable-projection.ts';
import { holdoutSplit, syntheticTable, take, takeRows } from './data.ts';

const exponential: ProjectedCurve = { basis: (b, x) => (b === 0 ? x : Math.expm1(b * x) / b) };
/** The logarithm as the trainer fits it, with its derivative in ln|b| (so the secant search runs). */
const logarithm: ProjectedCurve = {
  basis: (b, x) => (b === 0 ? x : Math.log1p(b * x) / b),
  slope: (b, x, u) => x / (1 + b * x) - u,
};

const exponentialModel = pointwiseCurve({
  size: 3,
  value: (p: Float64Array, x: number) => curveValue('exponential', p, x),
  gradient(p: Float64Array, x: number, g: Float64Array) {
    const e = Math.exp(p[1]! * x);
    g[0] = e;
    g[1] = p[0]! * x * e;
    g[2] = 1;
  },
});

function noisy(n: number, seed: number, f: (x: number) => number) {
  const rng = new Rng(seed);
  const x = Float64Array.from({ length: n }, () => rng.next());
  const y = x.map((v) => f(v) + rng.uniform(-1, 1));
  return { x, y };
}

function sse(x: Float64Array, y: Float64Array, f: (x: number) => number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (y[i]! - f(x[i]!)) ** 2;
  return s;
}

describe('fitProjected', () => {
  it('reaches the sum of squares Levenberg–Marquardt reaches on a curved exponential, in far fewer evaluations', () => {
    const { x, y } = noisy(2000, 5, (v) => 4 * Math.exp(2.2 * v) + 10);
    const fit = fitProjected(exponential, x, y, 1);
    const lm = levenbergMarquardt(exponentialModel, x, y, [1, 1, 0]);
    const a = fit.alpha / fit.b;
    const ours = sse(x, y, (v) => a * Math.exp(fit.b * v) + fit.gamma - a);
    expect(ours).toBeLessThanOrEqual(lm.sse * (1 + 1e-8));
    expect(fit.sse).toBeCloseTo(ours, 6);
    expect(fit.b).toBeCloseTo(lm.params[1]!, 4);
    expect(fit.evaluations).toBeLessThan(lm.evaluations);
    expect(fit.evaluations).toBeLessThan(100);
  });

  it('on straight-line data stops near the b → 0 limit with a finite, same-sign b and the line’s sum of squares', () => {
    const { x, y } = noisy(2000, 9, (v) => 30 * v + 5);
    const fit = fitProjected(exponential, x, y, 1);
    expect(fit.b).toBeGreaterThan(0);
    expect(Number.isFinite(fit.alpha / fit.b)).toBe(true);
    // The least-squares line through the same points.
    let mx = 0;
    let my = 0;
    for (let i = 0; i < x.length; i++) {
      mx += x[i]! / x.length;
      my += y[i]! / x.length;
    }
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < x.length; i++) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
    }
    const slope = sxy / sxx;
    const line = sse(x, y, (v) => my + slope * (v - mx));
    expect(fit.sse).toBeLessThanOrEqual(line * (1 + 2e-8));
    expect(fit.evaluations).toBeLessThan(200);
  });

  it('with a slope, matches the derivative-free search and ends within a few dozen evaluations', () => {
    const { x, y } = noisy(3000, 5, (v) => 40 + 120 * Math.log1p(2.5 * v));
    const withSlope = fitProjected(logarithm, x, y, 1);
    const without = fitProjected({ basis: logarithm.basis }, x, y, 1);
    expect(withSlope.b).toBeCloseTo(without.b, 6);
    expect(withSlope.sse).toBeLessThanOrEqual(without.sse * (1 + 1e-10));
    expect(withSlope.evaluations).toBeLessThan(without.evaluations);
  });

  it('with a slope, stops on 180,000 rows where rounding flattens the sum of squares near the minimum', () => {
    // The trainer benchmark's 200k table: the derivative there is rounding noise, and stepping by the
    // tolerance along it once walked the plateau until the 20,000-evaluation budget ran out.
    const table = syntheticTable(200_000, 42);
    const split = holdoutSplit(200_000, 42);
    const rows = takeRows(table.x, split.train);
    const y = take(table.y.package!, split.train);
    let max = 0;
    for (let r = 0; r < rows.rows; r++) max = Math.max(max, Math.abs(rows.data[r * rows.cols]!));
    const x = Float64Array.from({ length: rows.rows }, (_, r) => rows.data[r * rows.cols]! / max);
    const fit = fitProjected(logarithm, x, y, 1, { maxfev: 500 });
    expect(fit.evaluations).toBeLessThan(60);
    expect(fit.b).toBeGreaterThan(2);
    expect(fit.b).toBeLessThan(3);
  });

  it('rejects a zero initial b, whose sign it could not keep', () => {
    expect(() => fitProjected(exponential, new Float64Array(3), new Float64Array(3), 0)).toThrow(
      /non-zero .* got 0/,
    );
  });
});
