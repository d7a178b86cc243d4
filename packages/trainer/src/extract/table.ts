// Prometheus results → one training table for an energy source (see README, "Extraction").
//   features: workload counters → per-series rates → summed over all containers per timestamp
//             (Kepler's node-level aggregation; the same summed table serves AbsPower and DynPower)
//             node gauges → mean over their series (e.g. over CPUs) per timestamp
//   targets:  energy counters of the source's components, filtered by the `source` label →
//             per-series rates (J/s = W) → summed over `mode` (idle + dynamic) and `package`
// Rows are the union of timestamps; a value nobody reported is NaN and `selectRows` drops the row
// for the pipelines that need that column.
import { InvalidArgumentError } from '@modelshelf/registry';
import { seriesKey } from '../data/prometheus.ts';
import type { FeatureTable, PromResults, PromSeries } from '../data/types.ts';
import { energySource } from './energy-sources.ts';
import { energyMetric, metricRole } from './metrics.ts';
import { counterRates, meanPerTimestamp, sumPerTimestamp, sumWhereAllPresent } from './rates.ts';

export interface Extraction {
  table: FeatureTable;
  /** Canonical energy source name, e.g. "rapl-sysfs" for "rapl". */
  energySource: string;
  /** Components of the source with no energy metric in the data (not trained). */
  missingComponents: string[];
  /** Human sentences about what was adjusted (renames, ignored series). */
  notes: string[];
}

export function extractTable(results: PromResults, energySourceName: string): Extraction {
  const source = energySource(energySourceName);
  const notes: string[] = [];
  const columns = new Map<string, Map<number, number>>();

  // Workload and node features. A canonical metric wins over its legacy spelling if both exist.
  const roles = Object.keys(results)
    .sort()
    .map((name) => ({ name, role: metricRole(name) }));
  const canonicalPresent = new Set(
    roles.flatMap(({ role }) => (role.kind === 'workload' && !role.legacy ? [role.feature] : [])),
  );
  for (const { name, role } of roles) {
    const series = inLabelOrder(results[name]!);
    if (role.kind === 'workload') {
      if (role.legacy && canonicalPresent.has(role.feature)) {
        notes.push(`${name} ignored: ${role.feature} is also present`);
        continue;
      }
      if (role.legacy) notes.push(`${name} read as ${role.feature} (renamed upstream; values are unchanged)`);
      columns.set(role.feature, sumPerTimestamp(series.map(counterRates)));
    } else if (role.kind === 'node') {
      columns.set(role.feature, meanPerTimestamp(series));
    }
  }

  // Power per component from the source's energy counters.
  const power = new Map<string, Map<number, number>>();
  const missingComponents: string[] = [];
  const seenSources = new Set<string>();
  for (const component of source.components) {
    const all = results[energyMetric(component)];
    if (!all?.length) {
      missingComponents.push(component);
      continue;
    }
    for (const s of all) if (s.metric.source) seenSources.add(s.metric.source);
    const mine = inLabelOrder(all.filter((s) => fromSource(s, source.aliases)));
    if (mine.length === 0) {
      missingComponents.push(component);
      continue;
    }
    power.set(component, sumWhereAllPresent(mine.map(counterRates)));
  }
  if (power.size === 0) {
    const found = [...seenSources].sort();
    throw new InvalidArgumentError(
      `the data has no energy metric for source ${source.name} (${source.components.map(energyMetric).join(', ')})`,
      found.length
        ? `the energy metrics present come from source ${found.join(', ')}: pass --energy-source accordingly`
        : 'is this Kepler data? energy is read from kepler_node_<component>_joules_total',
    );
  }
  if (missingComponents.length) notes.push(`no ${source.name} energy for ${missingComponents.join(', ')}`);

  return { table: assemble(columns, power), energySource: source.name, missingComponents, notes };
}

/**
 * Series sorted by their labels: floating-point sums depend on the order of their terms, and a file
 * and a Prometheus return the same series in different orders. Same data → same bytes.
 */
function inLabelOrder(series: PromSeries[]): PromSeries[] {
  return series
    .map((s) => ({ s, key: seriesKey(s.metric) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ s }) => s);
}

/** A series belongs to the source if its `source` label is one of the aliases (or it has none). */
function fromSource(s: PromSeries, aliases: readonly string[]): boolean {
  const label = s.metric.source;
  return label === undefined || aliases.includes(label);
}

function assemble(
  columns: Map<string, Map<number, number>>,
  power: Map<string, Map<number, number>>,
): FeatureTable {
  const times = new Set<number>();
  for (const m of [...columns.values(), ...power.values()]) for (const t of m.keys()) times.add(t);
  const timestamps = Float64Array.from([...times].sort((a, b) => a - b));
  const featureNames = [...columns.keys()].sort();
  const features = new Float64Array(timestamps.length * featureNames.length);
  timestamps.forEach((t, r) => {
    featureNames.forEach((f, c) => {
      features[r * featureNames.length + c] = columns.get(f)!.get(t) ?? Number.NaN;
    });
  });
  const targets: Record<string, Float64Array> = {};
  for (const [component, m] of power) targets[component] = timestamps.map((t) => m.get(t) ?? Number.NaN);
  return { timestamps, featureNames, features, targets };
}
