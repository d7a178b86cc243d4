// Cumulative counters → rates, as Kepler's extractor does it: for each series, the difference of
// consecutive samples divided by the seconds between them, stamped at the later sample.
// A negative difference means the counter restarted (Kepler or the container restarted); Kepler
// drops those values rather than guessing, and so do we: the series contributes nothing at that time.
import type { PromSeries } from '../data/types.ts';

/** [timestamp, value] pairs of one series in time order; unparseable samples ("NaN") are skipped. */
export function samples(series: PromSeries): [number, number][] {
  const out: [number, number][] = [];
  for (const [t, v] of series.values) {
    const x = Number(v);
    if (Number.isFinite(x)) out.push([t, x]);
  }
  // Prometheus returns samples in time order; a hand-made file might not.
  for (let i = 1; i < out.length; i++) {
    if (out[i]![0] <= out[i - 1]![0]) {
      out.sort((a, b) => a[0] - b[0]);
      break;
    }
  }
  return out;
}

/** Rate of one counter at each sample after the first: Δvalue / Δt, negative deltas dropped. */
export function counterRates(series: PromSeries): Map<number, number> {
  const s = samples(series);
  const rates = new Map<number, number>();
  for (let i = 1; i < s.length; i++) {
    const [t0, v0] = s[i - 1]!;
    const [t1, v1] = s[i]!;
    const dv = v1 - v0;
    if (dv < 0 || t1 <= t0) continue;
    rates.set(t1, dv / (t1 - t0));
  }
  return rates;
}

/** Sum of several per-timestamp maps: a timestamp appears if any map has it. */
export function sumPerTimestamp(maps: Iterable<Map<number, number>>): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of maps) for (const [t, v] of m) out.set(t, (out.get(t) ?? 0) + v);
  return out;
}

/** Sum that exists only where every map has the timestamp (a partial sum of power would be wrong). */
export function sumWhereAllPresent(maps: Map<number, number>[]): Map<number, number> {
  const out = new Map<number, number>();
  const [first, ...rest] = maps;
  if (!first) return out;
  for (const [t, v] of first) {
    let sum = v;
    let complete = true;
    for (const m of rest) {
      const w = m.get(t);
      if (w === undefined) {
        complete = false;
        break;
      }
      sum += w;
    }
    if (complete) out.set(t, sum);
  }
  return out;
}

/** Mean of gauges per timestamp (node gauges such as per-CPU frequency). */
export function meanPerTimestamp(series: PromSeries[]): Map<number, number> {
  const sum = new Map<number, number>();
  const count = new Map<number, number>();
  for (const s of series) {
    for (const [t, v] of samples(s)) {
      sum.set(t, (sum.get(t) ?? 0) + v);
      count.set(t, (count.get(t) ?? 0) + 1);
    }
  }
  for (const [t, v] of sum) sum.set(t, v / count.get(t)!);
  return sum;
}
