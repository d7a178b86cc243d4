// Prometheus refuses a query_range that would return more than 11,000 points per series, so a long
// range is cut into windows on the same step grid (start + k·step), each at most `maxPoints` long.
// Consecutive windows do not share a timestamp, so merging them needs no de-duplication.

export interface TimeWindow {
  start: number;
  end: number;
}

export const DEFAULT_MAX_POINTS = 10_000;

export function splitRange(
  start: number,
  end: number,
  step: number,
  maxPoints = DEFAULT_MAX_POINTS,
): TimeWindow[] {
  const windows: TimeWindow[] = [];
  const span = (maxPoints - 1) * step;
  for (let s = start; s <= end; s += maxPoints * step) {
    windows.push({ start: s, end: Math.min(s + span, end) });
  }
  return windows;
}
