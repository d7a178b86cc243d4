// What changed between two versions: metadata values (with a verdict for error metrics) and files
// (by digest). Pure functions, so the rules are testable without a store.
import type { Manifest } from '@modelshelf/registry';

export type Verdict = 'improved' | 'worse' | 'same';

export interface MetadataChange {
  key: string;
  change: 'added' | 'removed' | 'changed';
  from?: unknown;
  to?: unknown;
  /** to − from, for numbers. */
  delta?: number;
  /** For error metrics (lower is better) and scores (higher is better). */
  verdict?: Verdict;
}

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  from?: { size: number; sha256: string };
  to?: { size: number; sha256: string };
}

// Kepler's metadata: mae, mape, <component>_mae, <component>_mape; trainers may add rmse and r2.
const LOWER_IS_BETTER = /(^|_)(mae|mape|mse|rmse|loss|error)$/i;
const HIGHER_IS_BETTER = /(^|_)(r2|accuracy|score)$/i;
// Kepler writes -1 when MAPE could not be computed: no verdict can be drawn from it.
const UNKNOWN = -1;

export function metricVerdict(key: string, from: number, to: number): Verdict | undefined {
  if (from === to) return 'same';
  if (LOWER_IS_BETTER.test(key)) {
    if (/mape$/i.test(key) && (from === UNKNOWN || to === UNKNOWN)) return undefined;
    return to < from ? 'improved' : 'worse';
  }
  if (HIGHER_IS_BETTER.test(key)) return to > from ? 'improved' : 'worse';
  return undefined;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffMetadata(a: Record<string, unknown>, b: Record<string, unknown>): MetadataChange[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const changes: MetadataChange[] = [];
  for (const key of keys) {
    const inA = Object.hasOwn(a, key);
    const inB = Object.hasOwn(b, key);
    if (!inB) changes.push({ key, change: 'removed', from: a[key] });
    else if (!inA) changes.push({ key, change: 'added', to: b[key] });
    else if (!same(a[key], b[key])) {
      const from = a[key];
      const to = b[key];
      const change: MetadataChange = { key, change: 'changed', from, to };
      if (typeof from === 'number' && typeof to === 'number') {
        // Rounded to the inputs' precision so that 12.3 → 10.1 reports -2.2, not -2.200000000000001.
        change.delta = Number((to - from).toPrecision(12));
        const verdict = metricVerdict(key, from, to);
        if (verdict) change.verdict = verdict;
      }
      changes.push(change);
    }
  }
  return changes;
}

export function diffFiles(
  a: Manifest['files'],
  b: Manifest['files'],
): { changes: FileChange[]; unchanged: number } {
  const before = new Map(a.map((f) => [f.path, f]));
  const after = new Map(b.map((f) => [f.path, f]));
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: FileChange[] = [];
  let unchanged = 0;
  for (const path of paths) {
    const x = before.get(path);
    const y = after.get(path);
    const brief = (f: typeof x) => (f ? { size: f.size, sha256: f.sha256 } : undefined);
    if (!y) changes.push({ path, change: 'removed', from: brief(x) });
    else if (!x) changes.push({ path, change: 'added', to: brief(y) });
    else if (x.sha256 !== y.sha256 || x.size !== y.size)
      changes.push({ path, change: 'changed', from: brief(x), to: brief(y) });
    else unchanged++;
  }
  return { changes, unchanged };
}
