// The real kepler-model-db archives copied into fixtures/kepler/kepler-model-db-archives (Apache-2.0,
// see its README), and seeded input rows spanning each archive's training range.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../../../test/support/seeded-random.ts';
import type { ArchiveModel } from '../../src/kepler-archive/index.ts';

export const ARCHIVE_ROOT = fileURLToPath(
  new URL('../../../../fixtures/kepler/kepler-model-db-archives/', import.meta.url),
);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.zip') ? [p] : [];
  });
}

/** Absolute paths of every fixture archive, sorted. */
export const ARCHIVES: readonly string[] = walk(ARCHIVE_ROOT).sort();

export const shortName = (p: string) => relative(join(ARCHIVE_ROOT, 'models'), p);

export const readArchive = (p: string) => new Uint8Array(readFileSync(p));

/** A small seeded generator, so every run sees the same rows. */
export const rng = mulberry32;

/**
 * Rows of raw feature values: mostly uniform in [0, 1.2] × each feature's max-abs scale (the training
 * range and a little past it), plus an all-zero row (idle) and rows with single features zeroed.
 */
export function sampleRows(model: ArchiveModel, rows: number, seed: number): Float64Array {
  const n = model.features.length;
  const first = model.components[0]!.transforms[0];
  // raw value whose scaled value is s ∈ [0, 1.2] (max-abs, min-max) or a z-score in [-2, 2.8] (standard)
  const raw = (j: number, s: number): number =>
    first?.kind === 'standard' ? rawFor(model, j, 4 * s - 2) : rawFor(model, j, s);
  const next = rng(seed);
  const x = new Float64Array(rows * n);
  for (let r = 1; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      const u = next();
      // integer-valued counters most of the time, as Kepler's rates often are
      const v = raw(j, u * 1.2);
      x[r * n + j] = r % 3 === 0 ? Math.round(v) : v;
      if (r % 5 === 0 && j === r % n) x[r * n + j] = 0;
    }
  }
  return x;
}

/** The raw value of feature j whose scaled value (the archive's first transform) is s. */
export function rawFor(model: ArchiveModel, j: number, s: number): number {
  const first = model.components[0]!.transforms[0];
  if (first?.kind === 'max-abs') return s * first.scale[j]!;
  if (first?.kind === 'min-max') return (s - first.min[j]!) / first.scale[j]!;
  if (first?.kind === 'standard') return (first.mean?.[j] ?? 0) + s * (first.scale?.[j] ?? 1);
  return s;
}

/**
 * Overwrites the last `count` rows so that one feature sits exactly on a split of a tree ensemble
 * (sklearn threshold or XGBoost split condition, as scaled), the place where `<=` versus `<` and the
 * float32 cast decide the branch.
 */
export function onSplitRows(model: ArchiveModel, x: Float64Array, rows: number, count: number): void {
  const n = model.features.length;
  const splits: { f: number; t: number }[] = [];
  for (const c of model.components) {
    const e = c.estimator;
    if (e.kind === 'gradient-boosting') {
      for (const t of e.trees)
        for (let k = 0; k < t.left.length; k++)
          if (t.left[k] !== -1) splits.push({ f: t.feature[k]!, t: t.threshold[k]! });
    } else if (e.kind === 'xgboost') {
      for (const t of e.trees)
        for (let k = 0; k < t.left.length; k++)
          if (t.left[k] !== -1) splits.push({ f: t.feature[k]!, t: t.condition[k]! });
    }
  }
  if (splits.length === 0) return;
  const next = rng(rows * 31 + count);
  for (let r = rows - count; r < rows; r++) {
    for (let j = 0; j < 2; j++) {
      const s = splits[Math.floor(next() * splits.length)]!;
      x[r * n + s.f] = rawFor(model, s.f, s.t);
    }
  }
}

export function toRows(x: Float64Array, n: number): number[][] {
  return Array.from({ length: x.length / n }, (_, r) => Array.from(x.subarray(r * n, (r + 1) * n)));
}
