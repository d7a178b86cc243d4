// Kepler's ratio power model: no training; a node's measured power is split among its workloads
// (processes/containers/pods) in proportion to one usage metric per component.
//
// Semantics of Kepler v0.7.12 (pkg/model/estimator/local/ratio.go and process_power.go), which this follows:
// - Usage metric per component (defaults): package and core → cpu_instructions (Kepler's CORE_USAGE_METRIC),
//   dram → cache_miss (DRAM_USAGE_METRIC), platform → cpu_instructions, uncore → none (always split evenly, the
//   ratio.go code ignores any metric for uncore). Without hardware counters (VMs) Kepler switches package,
//   core, dram and platform to bpf_cpu_time_ms: pass `hardwareCounters: false`.
// - Dynamic power: share = usage / nodeUsage · nodeDynamic. nodeUsage is the node's total of that metric
//   (Kepler reads the node counter; by default here the sum over the given workloads). When nodeUsage is 0
//   (or the component is uncore) the dynamic power is split evenly: nodeDynamic / workloads.
// - Idle power: always split evenly, nodeIdle / workloads, whatever the usage ("TODO: idle power should be
//   divided according to the process requested resource" upstream).
// - Kepler works in integer milli-units and rounds every share up (math.Ceil), so shares can sum to more than
//   the node total; `rounding: 'kepler-ceil'` reproduces that. The default keeps exact float shares, which sum
//   to the node total. (Kepler's main branch after v0.7.12 also hands the round-off back; not reproduced.)
// - A workload without the metric has usage 0 and gets no dynamic power unless the whole node's usage is 0.

export type RatioComponent = 'package' | 'core' | 'uncore' | 'dram' | 'platform';

/** Metric per component in Kepler's default configuration; null = split evenly. */
export const KEPLER_RATIO_USAGE_METRICS: Readonly<Record<RatioComponent, string | null>> = {
  package: 'cpu_instructions',
  core: 'cpu_instructions',
  dram: 'cache_miss',
  uncore: null,
  platform: 'cpu_instructions',
};

/** The metric Kepler uses instead when the node has no hardware counters. */
export const KEPLER_RATIO_FALLBACK_METRIC = 'bpf_cpu_time_ms';

export interface RatioNodePower {
  /** Node dynamic power (or energy in an interval) of the component. */
  dynamic: number;
  /** Node idle power of the component. */
  idle: number;
}

export interface RatioWorkload {
  id: string;
  /** Usage per metric in the interval, e.g. {"cpu_instructions": 1.2e9, "cache_miss": 3e6}. */
  usage: Readonly<Record<string, number>>;
}

export interface RatioSplitOptions {
  /** Measured node power per component; components absent here are not attributed. */
  node: Readonly<Partial<Record<string, RatioNodePower>>>;
  workloads: readonly RatioWorkload[];
  /** Override metrics per component (null = even split). Unlisted components use Kepler's defaults. */
  usageMetrics?: Readonly<Partial<Record<string, string | null>>>;
  /** false → Kepler's VM fallback: every ratio metric becomes bpf_cpu_time_ms (uncore stays even). */
  hardwareCounters?: boolean;
  /** Node totals per metric; default: sum over `workloads`. */
  nodeUsage?: Readonly<Record<string, number>>;
  /** 'exact' (default) float shares; 'kepler-ceil' rounds each share up like Kepler's integer milli-units. */
  rounding?: 'exact' | 'kepler-ceil';
}

export interface RatioShare {
  id: string;
  dynamic: Record<string, number>;
  idle: Record<string, number>;
}

export class RatioModelError extends Error {
  override readonly name = 'RatioModelError';
}

/** Metric used for `component` under `options` (null = even split). */
export function ratioMetricFor(
  component: string,
  options: Pick<RatioSplitOptions, 'usageMetrics' | 'hardwareCounters'>,
): string | null {
  if (component === 'uncore') return null;
  const configured =
    options.usageMetrics?.[component] !== undefined
      ? options.usageMetrics[component]!
      : (KEPLER_RATIO_USAGE_METRICS[component as RatioComponent] ?? null);
  if (configured !== null && options.hardwareCounters === false) return KEPLER_RATIO_FALLBACK_METRIC;
  return configured;
}

/** Splits node power among workloads the way Kepler's ratio model does. */
export function splitPowerByRatio(options: RatioSplitOptions): RatioShare[] {
  const { workloads } = options;
  const n = workloads.length;
  if (n === 0) return [];
  const round = options.rounding === 'kepler-ceil' ? Math.ceil : (v: number) => v;
  const shares: RatioShare[] = workloads.map((w) => ({ id: w.id, dynamic: {}, idle: {} }));
  for (const [component, power] of Object.entries(options.node)) {
    if (!power) continue;
    for (const [key, v] of Object.entries(power)) {
      if (!Number.isFinite(v)) {
        throw new RatioModelError(
          `node power "${component}.${key}" must be a finite number, got ${String(v)}`,
        );
      }
    }
    const metric = ratioMetricFor(component, options);
    const total = metric === null ? 0 : (options.nodeUsage?.[metric] ?? sumUsage(workloads, metric));
    workloads.forEach((w, i) => {
      const usage = metric === null ? 0 : (w.usage[metric] ?? 0);
      if (!Number.isFinite(usage) || usage < 0) {
        throw new RatioModelError(
          `workload "${w.id}": usage "${metric}" must be a finite number ≥ 0, got ${usage}`,
        );
      }
      const dynamic = total === 0 ? power.dynamic / n : (usage / total) * power.dynamic;
      shares[i]!.dynamic[component] = round(dynamic);
      shares[i]!.idle[component] = round(power.idle / n);
    });
  }
  return shares;
}

function sumUsage(workloads: readonly RatioWorkload[], metric: string): number {
  let s = 0;
  for (const w of workloads) s += w.usage[metric] ?? 0;
  return s;
}
