// Kepler's error measures, rounded to 2 decimals as Kepler's Python round() does.

/** Mean absolute error. */
export function meanAbsoluteError(y: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += Math.abs(y[i]! - predicted[i]!);
  return y.length === 0 ? Number.NaN : sum / y.length;
}

/** mean(|y − ŷ| / y) · 100 over the rows with y > 0; −1 when there is no such row (Kepler's convention). */
export function meanAbsolutePercentageError(y: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]! > 0) {
      sum += Math.abs(y[i]! - predicted[i]!) / y[i]!;
      n++;
    }
  }
  return n === 0 ? -1 : (sum / n) * 100;
}

/**
 * Python's round(x, 2): the nearest 2-decimal value to the exact binary value, ties to even.
 * toFixed already rounds the exact value; it only differs on exact ties (x·8 integral), where
 * it rounds up and Python rounds to even.
 */
export function round2(x: number): number {
  if (!Number.isFinite(x)) return x;
  const scaled = x * 100;
  if (Number.isInteger(x * 8) && Math.abs(scaled - Math.trunc(scaled)) === 0.5) {
    const f = Math.floor(scaled);
    return (f % 2 === 0 ? f : f + 1) / 100;
  }
  return Number(x.toFixed(2));
}
