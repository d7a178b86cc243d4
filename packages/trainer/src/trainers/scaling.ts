// Kepler scales every feature by its maximum absolute value before fitting and ships that scale with the
// model; prediction computes x' = x / scale and treats a zero scale as "feature ignored" (x' = 0).
import type { Matrix } from './types.ts';

export function checkMatrix(x: Matrix, y?: Float64Array): void {
  if (!Number.isInteger(x.rows) || !Number.isInteger(x.cols) || x.rows < 0 || x.cols < 1) {
    throw new RangeError(
      `matrix must have a non-negative row count and at least one column, got ${x.rows} × ${x.cols}`,
    );
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new RangeError(
      `matrix data holds ${x.data.length} values, expected rows × cols = ${x.rows} × ${x.cols}`,
    );
  }
  if (y !== undefined && y.length !== x.rows) {
    throw new RangeError(`target holds ${y.length} values but the matrix has ${x.rows} rows`);
  }
  for (let i = 0; i < x.data.length; i++) {
    if (!Number.isFinite(x.data[i])) {
      throw new RangeError(
        `feature value at row ${Math.floor(i / x.cols)}, column ${i % x.cols} is ${x.data[i]}; drop or impute non-finite values first`,
      );
    }
  }
  if (y) {
    for (let i = 0; i < y.length; i++) {
      if (!Number.isFinite(y[i]))
        throw new RangeError(`target at row ${i} is ${y[i]}; drop non-finite targets first`);
    }
  }
}

/** Max |x| per column (sklearn MaxAbsScaler.scale_, except that an all-zero column keeps scale 0 as Kepler does). */
export function maxAbsScale(x: Matrix): Float64Array {
  const scale = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const v = Math.abs(x.data[r * x.cols + c]!);
      if (v > scale[c]!) scale[c] = v;
    }
  }
  return scale;
}

/** x' = x / scale, 0 where scale is 0 (row-major, same shape). */
export function applyScale(x: Matrix, scale: Float64Array): Float64Array {
  const out = new Float64Array(x.rows * x.cols);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < x.cols; c++) {
      const s = scale[c]!;
      out[r * x.cols + c] = s === 0 ? 0 : x.data[r * x.cols + c]! / s;
    }
  }
  return out;
}

export function checkFeatures(x: Matrix, features: readonly string[]): void {
  if (features.length !== x.cols) {
    throw new RangeError(
      `options.features names ${features.length} features but the matrix has ${x.cols} columns`,
    );
  }
}
