// Source (c): a table of already-extracted features, as kepler-model-server saves its
// preprocessed data (e.g. kepler-model-db `preprocessed_data/preprocess_abs_default_rapl_BPFOnly.csv`):
//   timestamp, <feature>..., <component>_power..., node_type, packge_ratio_<unit>...
// `<component>_power` columns become targets; bookkeeping columns (node_type, the package/core
// ratio columns, Kepler's own misspelling "packge_ratio_" included) are dropped; the rest are features.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@modelshelf/registry';
import { parse } from 'csv-parse/sync';
import { canonicalFeatureName } from '../features/names.ts';
import type { FeatureTable } from './types.ts';

const POWER_SUFFIX = '_power';
const BOOKKEEPING = /^(node_type|.*_ratio_.*|Unnamed: \d+)$/;

export function parseFeatureCsv(text: string, origin = 'the CSV'): FeatureTable {
  const rows = parse(text, { skip_empty_lines: true, trim: true }) as string[][];
  const header = rows.shift();
  if (!header) throw new InvalidArgumentError(`${origin} is empty`);
  const tsCol = header.indexOf('timestamp');
  if (tsCol < 0) {
    throw new InvalidArgumentError(
      `${origin} has no "timestamp" column (columns: ${header.join(', ')})`,
      'a feature table has timestamp, feature columns and <component>_power columns',
    );
  }
  const featureCols: number[] = [];
  const targetCols: number[] = [];
  header.forEach((name, i) => {
    if (i === tsCol || BOOKKEEPING.test(name)) return;
    (name.endsWith(POWER_SUFFIX) ? targetCols : featureCols).push(i);
  });
  if (targetCols.length === 0) {
    throw new InvalidArgumentError(
      `${origin} has no <component>_power column (columns: ${header.join(', ')})`,
      'name target columns like package_power, dram_power or platform_power',
    );
  }

  // Sort rows by time so that CSV tables and Prometheus tables have the same row order.
  const order = rows.map((_, r) => r).sort((a, b) => num(rows[a]!, tsCol, a) - num(rows[b]!, tsCol, b));
  const n = rows.length;
  const timestamps = new Float64Array(n);
  const features = new Float64Array(n * featureCols.length);
  const targets: Record<string, Float64Array> = {};
  for (const c of targetCols) targets[header[c]!.slice(0, -POWER_SUFFIX.length)] = new Float64Array(n);
  order.forEach((src, r) => {
    const row = rows[src]!;
    if (row.length !== header.length) {
      throw new InvalidArgumentError(
        `${origin} line ${src + 2} has ${row.length} fields, the header has ${header.length}`,
      );
    }
    timestamps[r] = num(row, tsCol, src);
    featureCols.forEach((c, j) => {
      features[r * featureCols.length + j] = num(row, c, src);
    });
    for (const c of targetCols) targets[header[c]!.slice(0, -POWER_SUFFIX.length)]![r] = num(row, c, src);
  });

  function num(row: string[], c: number, r: number): number {
    const v = row[c] ?? '';
    // Empty cells are missing values (pandas writes NaN that way); anything else must be numeric.
    if (v === '' || v === 'NaN' || v === 'nan') return Number.NaN;
    const x = Number(v);
    if (Number.isNaN(x)) {
      throw new InvalidArgumentError(
        `${origin} line ${r + 2}, column ${JSON.stringify(header![c])}: ${JSON.stringify(v)} is not a number`,
      );
    }
    return x;
  }

  return {
    timestamps,
    featureNames: featureCols.map((c) => canonicalFeatureName(header[c]!)),
    features,
    targets,
  };
}

export async function loadFeatureCsv(path: string): Promise<FeatureTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(
      `cannot read feature table ${JSON.stringify(path)}: ${(err as Error).message}`,
    );
  }
  return parseFeatureCsv(text, JSON.stringify(path));
}
