// The rows and columns one pipeline trains on: its feature group's columns (in the group's
// order) and its components, keeping only rows where every one of them has a value.
import type { FeatureTable } from '../data/types.ts';
import type { Matrix } from '../trainers/types.ts';

export interface TrainingSet {
  timestamps: Float64Array;
  features: readonly string[];
  x: Matrix;
  /** Component → watts, aligned with the rows of x. */
  y: Record<string, Float64Array>;
}

export function selectRows(
  table: FeatureTable,
  features: readonly string[],
  components: readonly string[],
): TrainingSet {
  const width = table.featureNames.length;
  const cols = features.map((f) => {
    const c = table.featureNames.indexOf(f);
    if (c < 0) throw new Error(`feature ${f} is not in the table`);
    return c;
  });
  const keep: number[] = [];
  for (let r = 0; r < table.timestamps.length; r++) {
    const complete =
      cols.every((c) => !Number.isNaN(table.features[r * width + c]!)) &&
      components.every((k) => !Number.isNaN(table.targets[k]![r]!));
    if (complete) keep.push(r);
  }
  const data = new Float64Array(keep.length * cols.length);
  keep.forEach((r, i) => {
    cols.forEach((c, j) => {
      data[i * cols.length + j] = table.features[r * width + c]!;
    });
  });
  const y: Record<string, Float64Array> = {};
  for (const k of components) y[k] = Float64Array.from(keep, (r) => table.targets[k]![r]!);
  return {
    timestamps: Float64Array.from(keep, (r) => table.timestamps[r]!),
    features: [...features],
    x: { data, rows: keep.length, cols: cols.length },
    y,
  };
}
