// The benchmark harness: every figure is printed beside a baseline measured in the same run,
// as a ratio, because these machines are noisy and absolute numbers from another run mean little.

export interface BenchRow {
  /** What was measured, e.g. "publish 1 KiB version (fs)". */
  name: string;
  /** The figure for modelshelf. */
  value: number;
  unit: string;
  /** What the baseline is, e.g. "naive recursive readdir". */
  baseline?: string;
  baselineValue?: number;
  /** true when a bigger number is better (throughput); false for latencies. */
  higherIsBetter?: boolean;
  /** The target stated by the project, e.g. ">= 0.9x aws s3 cp". Printed, never asserted. */
  target?: string;
}

export interface BenchContext {
  row(r: BenchRow): void;
  note(text: string): void;
  /** A scratch directory removed after the run. */
  tmpDir: string;
}

export interface BenchModule {
  title: string;
  /** Return a reason to skip (e.g. a missing service) or undefined to run. */
  skip?(): string | undefined | Promise<string | undefined>;
  run(ctx: BenchContext): Promise<void>;
}

export function formatRow(r: BenchRow): string {
  const v = `${fmt(r.value)} ${r.unit}`;
  if (r.baselineValue === undefined) return `  ${r.name.padEnd(56)} ${v.padStart(16)}`;
  const ratio = r.higherIsBetter ? r.value / r.baselineValue : r.baselineValue / r.value;
  const base = `${fmt(r.baselineValue)} ${r.unit}`;
  const target = r.target ? `  target ${r.target}` : '';
  return `  ${r.name.padEnd(56)} ${v.padStart(16)}  vs ${r.baseline ?? 'baseline'} ${base}  → ${ratio.toFixed(2)}× better${target}`;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** Percentile of a sample (nearest rank), p in [0, 100]. */
export function percentile(sample: number[], p: number): number {
  if (sample.length === 0) return Number.NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median wall time in milliseconds of `fn` over `runs` runs after one warm-up. */
export async function timeMs(fn: () => unknown | Promise<unknown>, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return percentile(times, 50);
}
