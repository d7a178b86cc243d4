// Kepler's vocabulary, owned here once: energy sources and the components each measures (with the
// spellings Kepler has used across releases), output types, and feature groups with their sorted
// features (kepler-model-server `util/train_types.py`; the sorted order is also Kepler's column
// order in exported weights). The trainer, the estimator's protocol and the importer all read it.

/** A power source and what it measures. */
export interface EnergySourceInfo {
  readonly components: readonly string[];
  /** Values of Kepler's `source` label (and request field) that mean this source. */
  readonly aliases: readonly string[];
}

export const ENERGY_SOURCES = {
  'rapl-sysfs': {
    components: ['package', 'core', 'uncore', 'dram'],
    aliases: ['rapl-sysfs', 'rapl', 'intel_rapl', 'rapl-msr'],
  },
  acpi: { components: ['platform'], aliases: ['acpi', 'hmc', 'redfish'] },
} as const satisfies Record<string, EnergySourceInfo>;

export type EnergySourceName = keyof typeof ENERGY_SOURCES;
export const ENERGY_SOURCE_NAMES = Object.keys(ENERGY_SOURCES) as EnergySourceName[];

/** Every component name any energy source measures, in Kepler's order. */
export const POWER_COMPONENTS = ['package', 'core', 'uncore', 'dram', 'platform'] as const;
export type PowerComponent = (typeof POWER_COMPONENTS)[number];

/** The canonical name of a source or any of its aliases ("rapl" → "rapl-sysfs"); undefined if unknown. */
export function canonicalEnergySource(name: string): EnergySourceName | undefined {
  for (const canonical of ENERGY_SOURCE_NAMES) {
    if ((ENERGY_SOURCES[canonical].aliases as readonly string[]).includes(name)) return canonical;
  }
  return undefined;
}

/**
 * What Kepler's sidecar does with a request's `source` (convert_enery_source): a missing source and
 * every RAPL flavour mean rapl-sysfs, the ACPI aliases mean acpi, anything else is kept as given.
 */
export function normaliseEnergySource(source: string | null | undefined): string {
  if (!source || source.includes('rapl')) return 'rapl-sysfs';
  return canonicalEnergySource(source) ?? source;
}

/** AbsPower: node power including idle (node-level estimates); DynPower: idle removed (workloads). */
export const OUTPUT_TYPES = ['AbsPower', 'DynPower'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

export const isOutputType = (name: string): name is OutputType =>
  (OUTPUT_TYPES as readonly string[]).includes(name);

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
