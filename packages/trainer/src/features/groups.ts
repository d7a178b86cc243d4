// Kepler's feature groups (kepler-model-server `train/prom/prom_query.py`/`util/train_types.py`),
// each feature list sorted, which is also Kepler's column order in exported weights.
import { InvalidArgumentError } from '@modelshelf/registry';
import { canonicalFeatureName } from './names.ts';

const FULL = [
  'accelerator_intel_qat',
  'bpf_block_irq',
  'bpf_cpu_time_ms',
  'bpf_net_rx_irq',
  'bpf_net_tx_irq',
  'bpf_page_cache_hit',
  'cache_miss',
  'cpu_cycles',
  'cpu_instructions',
  'cpu_scaling_frequency_hertz',
  'node_info',
] as const;

/** Node-level features: read from `kepler_node_<f>` gauges rather than container counters. */
export const NODE_FEATURES: ReadonlySet<string> = new Set(['cpu_scaling_frequency_hertz', 'node_info']);

export const FEATURE_GROUPS = {
  Full: [...FULL],
  WorkloadOnly: FULL.filter((f) => !NODE_FEATURES.has(f)),
  CounterOnly: ['cache_miss', 'cpu_cycles', 'cpu_instructions'],
  BPFOnly: ['bpf_cpu_time_ms', 'bpf_page_cache_hit'],
  CounterIRQCombined: [
    'bpf_block_irq',
    'bpf_net_rx_irq',
    'bpf_net_tx_irq',
    'cache_miss',
    'cpu_cycles',
    'cpu_instructions',
  ],
  Basic: ['bpf_cpu_time_ms', 'bpf_page_cache_hit', 'cache_miss', 'cpu_cycles', 'cpu_instructions'],
  BPFIRQ: ['bpf_block_irq', 'bpf_cpu_time_ms', 'bpf_net_rx_irq', 'bpf_net_tx_irq', 'bpf_page_cache_hit'],
  AcceleratorOnly: ['accelerator_intel_qat'],
  // Older groups, still found in stored models and still exported by the 2023 Kepler releases.
  CgroupOnly: [
    'cgroupfs_cpu_usage_us',
    'cgroupfs_memory_usage_bytes',
    'cgroupfs_system_cpu_usage_us',
    'cgroupfs_user_cpu_usage_us',
  ],
  KubeletOnly: ['kubelet_cpu_usage', 'kubelet_memory_bytes'],
} as const satisfies Record<string, readonly string[]>;

export type FeatureGroupName = keyof typeof FEATURE_GROUPS;
export const FEATURE_GROUP_NAMES = Object.keys(FEATURE_GROUPS) as FeatureGroupName[];

export function isFeatureGroupName(name: string): name is FeatureGroupName {
  return Object.hasOwn(FEATURE_GROUPS, name);
}

export const OUTPUT_TYPES = ['AbsPower', 'DynPower'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

export interface FeatureGroup {
  name: string;
  /** Sorted, canonical feature names. */
  features: readonly string[];
}

const GROUP_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * "BPFOnly" → Kepler's group; "BPFOnly=bpf_cpu_time_ms" or "Mine=cache_miss+cpu_cycles" → a group
 * defined on the spot. Definitions are for data extracted with another Kepler release's lists
 * (v0.6's BPFOnly was bpf_cpu_time_us alone, which is what the nx12 CSV holds).
 */
export function parseFeatureGroup(spec: string): FeatureGroup {
  const eq = spec.indexOf('=');
  const name = (eq < 0 ? spec : spec.slice(0, eq)).trim();
  if (eq < 0) {
    if (!isFeatureGroupName(name)) {
      throw new InvalidArgumentError(
        `unknown feature group ${JSON.stringify(spec)}`,
        `use one of ${FEATURE_GROUP_NAMES.join(', ')}, or define one as <Name>=<feature>+<feature>`,
      );
    }
    return { name, features: FEATURE_GROUPS[name] };
  }
  const features = spec
    .slice(eq + 1)
    .split('+')
    .map((f) => canonicalFeatureName(f.trim()));
  if (!GROUP_NAME.test(name) || features.some((f) => !/^[a-z0-9_]+$/.test(f))) {
    throw new InvalidArgumentError(
      `invalid feature group definition ${JSON.stringify(spec)}`,
      'write <Name>=<feature>+<feature>, e.g. BPFOnly=bpf_cpu_time_ms',
    );
  }
  return { name, features: [...new Set(features)].sort() };
}
