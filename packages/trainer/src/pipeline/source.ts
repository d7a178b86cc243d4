// Where training data comes from. Every source ends as a FeatureTable: Prometheus-shaped results
// (saved file or live API) go through extraction; a CSV table is already extracted.
import { InvalidArgumentError } from '@modelshelf/registry';
import { loadFeatureCsv } from '../data/csv.ts';
import { loadPromFile } from '../data/prom-file.ts';
import { fetchRange, PrometheusClient, type PrometheusOptions } from '../data/prometheus.ts';
import type { FeatureTable, PromResults } from '../data/types.ts';
import { energySource } from '../extract/energy-sources.ts';
import { extractTable } from '../extract/table.ts';

export type DataSource =
  /** Kepler's saved query_range JSON, or a CSV feature table (by extension .csv). */
  | { kind: 'file'; path: string }
  | { kind: 'prom-results'; results: PromResults; origin?: string }
  | ({
      kind: 'prometheus';
      start: number;
      end: number;
      step: number;
      metrics?: readonly string[];
    } & PrometheusOptions)
  | { kind: 'table'; table: FeatureTable; origin?: string };

export interface LoadedData {
  table: FeatureTable;
  /** Canonical energy source name. */
  energySource: string;
  /** Where the data came from, for metadata and reports (path or URL). */
  origin: string;
  notes: string[];
  /** The requested range for a Prometheus source (the table may be shorter). */
  requestedRange?: { start: number; end: number; step: number };
}

export async function loadSource(source: DataSource, energySourceName: string): Promise<LoadedData> {
  switch (source.kind) {
    case 'file':
      if (source.path.toLowerCase().endsWith('.csv')) {
        return fromTable(await loadFeatureCsv(source.path), energySourceName, source.path);
      }
      return fromResults(await loadPromFile(source.path), energySourceName, source.path);
    case 'prom-results':
      return fromResults(source.results, energySourceName, source.origin ?? 'in-memory results');
    case 'table':
      return fromTable(source.table, energySourceName, source.origin ?? 'in-memory table');
    case 'prometheus': {
      const client = new PrometheusClient(source);
      const results = await fetchRange(client, source);
      const loaded = fromResults(results, energySourceName, client.url);
      return { ...loaded, requestedRange: { start: source.start, end: source.end, step: source.step } };
    }
  }
}

function fromResults(results: PromResults, energySourceName: string, origin: string): LoadedData {
  const x = extractTable(results, energySourceName);
  return { table: x.table, energySource: x.energySource, origin, notes: x.notes };
}

/** A CSV carries the components it has; keep those of the requested source, fail if there are none. */
function fromTable(table: FeatureTable, energySourceName: string, origin: string): LoadedData {
  const source = energySource(energySourceName);
  const targets: Record<string, Float64Array> = {};
  for (const c of source.components) if (table.targets[c]) targets[c] = table.targets[c];
  if (Object.keys(targets).length === 0) {
    throw new InvalidArgumentError(
      `${origin} has no power column for ${source.name} (${source.components.map((c) => `${c}_power`).join(', ')}); it has ${Object.keys(
        table.targets,
      )
        .map((c) => `${c}_power`)
        .join(', ')}`,
      'pass the --energy-source whose components the table holds',
    );
  }
  const notes = source.components.filter((c) => !targets[c]).map((c) => `no ${c}_power column in ${origin}`);
  return { table: { ...table, targets }, energySource: source.name, origin, notes };
}
