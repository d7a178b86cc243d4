// Which Prometheus metric carries which feature or power component (Kepler's naming):
//   kepler_container_<feature>_total       cumulative per-container counter → workload feature
//   kepler_node_<feature>                  node gauge (no _total)            → node feature
//   kepler_node_info                       the node-info gauge (always 1)    → node_info
//   kepler_node_<component>_joules_total   cumulative node energy, labels source, mode, package
// Container energy (kepler_container_*_joules_total) is Kepler's own estimate, never a feature.
import { canonicalFeatureName } from '../features/names.ts';

export type MetricRole =
  | { kind: 'workload'; feature: string; legacy: boolean }
  | { kind: 'node'; feature: string }
  | { kind: 'energy'; component: string }
  | { kind: 'other' };

export function metricRole(metric: string): MetricRole {
  if (metric.endsWith('_joules_total')) {
    const m = /^kepler_node_(.+)_joules_total$/.exec(metric);
    return m ? { kind: 'energy', component: m[1]! } : { kind: 'other' };
  }
  let m = /^kepler_container_(.+)_total$/.exec(metric);
  if (m) {
    const feature = canonicalFeatureName(m[1]!);
    return { kind: 'workload', feature, legacy: feature !== m[1] };
  }
  if (metric === 'kepler_node_info') return { kind: 'node', feature: 'node_info' };
  m = /^kepler_node_(.+)$/.exec(metric);
  if (m && !metric.endsWith('_total')) return { kind: 'node', feature: m[1]! };
  return { kind: 'other' };
}

export function energyMetric(component: string): string {
  return `kepler_node_${component}_joules_total`;
}
