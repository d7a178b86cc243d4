// Which single feature a curve fit reads, by the rule of kepler-model-server's Python estimator.
//
// The sidecar (estimate/model/curvefit_model.py) infers the model's feature group as the FIRST group, in
// the order train_types.FeatureGroups declares them, whose features are all among the model's features
// (get_valid_feature_groups(features)[0]), then asks main_feature(group, component) for an index into that
// group's sorted feature list, and applies that index to the model's own feature columns. For a group the
// model was trained on this is the trained feature; for a model whose features contain a smaller group
// first (Basic ⊇ CounterOnly, BPFIRQ ⊇ BPFOnly, CounterIRQCombined ⊇ CounterOnly) it is not, and the sidecar
// still reads that column: we reproduce the sidecar, not the training.
// Kepler's Go regressor instead reads x[0], the first metric of its request (see power-model.ts).
import { FEATURE_GROUPS, type FeatureGroupName } from './vocabulary.ts';

/**
 * train_types.FeatureGroups in its declaration order (the order get_valid_feature_groups walks); the
 * groups' features are the vocabulary's own.
 */
const SIDECAR_GROUP_ORDER = [
  'Full',
  'WorkloadOnly',
  'CounterOnly',
  'BPFOnly',
  'BPFIRQ',
  'CounterIRQCombined',
  'Basic',
  'AcceleratorOnly',
] as const satisfies readonly FeatureGroupName[];

/** default_main_feature_map and default_dram_feature_map of train_types.py. */
const MAIN_FEATURE: Readonly<Record<string, string>> = {
  Full: 'cpu_instructions',
  WorkloadOnly: 'cpu_instructions',
  CounterOnly: 'cpu_instructions',
  BPFOnly: 'bpf_cpu_time_ms',
  BPFIRQ: 'bpf_cpu_time_ms',
  CounterIRQCombined: 'cpu_instructions',
  Basic: 'cpu_instructions',
  AcceleratorOnly: 'accelerator_intel_qat',
};
const DRAM_FEATURE: Readonly<Record<string, string>> = {
  Full: 'cache_miss',
  WorkloadOnly: 'cache_miss',
  CounterOnly: 'cache_miss',
  BPFOnly: 'bpf_page_cache_hit',
  BPFIRQ: 'bpf_page_cache_hit',
  CounterIRQCombined: 'cache_miss',
  Basic: 'cache_miss',
};

/** The feature group the sidecar infers for a feature list; undefined when no group fits (it then fails). */
export function sidecarFeatureGroup(features: readonly string[]): string | undefined {
  return SIDECAR_GROUP_ORDER.find((name) =>
    (FEATURE_GROUPS[name] as readonly string[]).every((f) => features.includes(f)),
  );
}

/**
 * Index into `features` of the column the sidecar's curve fit reads for `component`, or undefined when
 * the features fit no known group (the sidecar cannot load such a model; callers fall back to column 0).
 */
export function sidecarMainFeatureIndex(features: readonly string[], component: string): number | undefined {
  const name = sidecarFeatureGroup(features) as (typeof SIDECAR_GROUP_ORDER)[number] | undefined;
  if (name === undefined) return undefined;
  const group: readonly string[] = FEATURE_GROUPS[name];
  const feature = (component === 'dram' ? DRAM_FEATURE[name] : undefined) ?? MAIN_FEATURE[name]!;
  return group.indexOf(feature);
}
