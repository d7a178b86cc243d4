import { describe, expect, it } from 'vitest';
import { centredColumns, mean, reduceLeastSquares, solveReduced } from '../../src/trainers/least-squares.ts';
import { nnls } from '../../src/trainers/nnls.ts';
import { reduceCentredNormalEquations } from '../../src/trainers/normal-equations.ts';
import { applyScale, maxAbsScale } from '../../src/trainers/scaling.ts';
import type { Matrix } from '../../src/trainers/types.ts';
import { randomMatrix, targetOf } from './helpers.ts';

/** The QR route on the same centred, scaled data: the reference the normal equations must agree with. */
function qrReduction(x: Matrix, y: Float64Array) {
  const { columns } = centredColumns(applyScale(x, maxAbsScale(x)), x.rows, x.cols);
  const yMean = mean(y);
  return reduceLeastSquares(
    columns,
    y.map((v) => v - yMean),
  );
}

describe('reduceCentredNormalEquations', () => {
  it('gives the same least-squares and NNLS solutions as QR on well-conditioned data', () => {
    const x = randomMatrix(3000, 5, 21);
    const y = targetOf(x, (r) => 7 + 0.4 * r[0]! - 0.3 * r[1]! + 0.05 * r[2]! + 2 * r[4]! + Math.sin(r[3]!));
    const normal = reduceCentredNormalEquations(x, maxAbsScale(x), y);
    expect(normal).not.toBeNull();
    const qr = qrReduction(x, y);
    const free = solveReduced(normal!.problem);
    const freeQr = solveReduced(qr);
    const positive = nnls(normal!.problem);
    const positiveQr = nnls(qr);
    for (let c = 0; c < 5; c++) {
      expect(free[c]).toBeCloseTo(freeQr[c]!, 9);
      expect(positive[c]).toBeCloseTo(positiveQr[c]!, 9);
    }
    // The negative true coefficient is clamped in the constrained solution but not in the free one.
    expect(free[1]).toBeLessThan(0);
    expect(positive[1]).toBe(0);
  });

  it('returns the column means and the target mean used for the intercept', () => {
    const x = randomMatrix(200, 2, 3);
    const y = targetOf(x, (r) => r[0]! + r[1]!);
    const scale = maxAbsScale(x);
    const normal = reduceCentredNormalEquations(x, scale, y)!;
    const scaled = applyScale(x, scale);
    for (let c = 0; c < 2; c++) {
      let m = 0;
      for (let r = 0; r < 200; r++) m += scaled[r * 2 + c]! / 200;
      expect(normal.means[c]).toBeCloseTo(m, 12);
    }
    expect(normal.yMean).toBeCloseTo(mean(y), 12);
  });

  it('treats an all-zero feature (scale 0) as absent instead of giving up', () => {
    const base = randomMatrix(300, 2, 8);
    const x: Matrix = { rows: 300, cols: 3, data: new Float64Array(900) };
    for (let r = 0; r < 300; r++) {
      x.data[r * 3] = base.data[r * 2]!;
      x.data[r * 3 + 2] = base.data[r * 2 + 1]!;
    }
    const y = targetOf(x, (r) => 1 + r[0]! + 3 * r[2]!);
    const normal = reduceCentredNormalEquations(x, maxAbsScale(x), y)!;
    expect(normal).not.toBeNull();
    const coef = nnls(normal.problem);
    expect(coef[1]).toBe(0);
    expect(coef[0]! / maxAbsScale(x)[0]!).toBeCloseTo(1, 8);
  });

  it('declines (null) when two columns are nearly collinear, so the caller falls back to QR', () => {
    const base = randomMatrix(500, 1, 4);
    const x: Matrix = { rows: 500, cols: 2, data: new Float64Array(1000) };
    for (let r = 0; r < 500; r++) {
      x.data[r * 2] = base.data[r]!;
      x.data[r * 2 + 1] = base.data[r]! * (1 + 1e-6 * Math.cos(r));
    }
    expect(reduceCentredNormalEquations(x, maxAbsScale(x), new Float64Array(500).fill(1))).toBeNull();
  });
});
