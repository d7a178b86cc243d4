// train() options, validated once with their defaults (documented in the package README).
import { InvalidArgumentError } from '@modelshelf/registry';
import {
  FEATURE_GROUP_NAMES,
  type FeatureGroup,
  OUTPUT_TYPES,
  type OutputType,
  parseFeatureGroup,
} from '../features/groups.ts';
import type { Trainer } from '../trainers/types.ts';
import type { DataSource } from './source.ts';

export interface TrainOptions {
  source: DataSource;
  /** rapl-sysfs (package, core, uncore, dram) or acpi (platform); aliases such as "rapl" accepted. */
  energySource: string;
  /**
   * Default: every Kepler feature group; those the data cannot feed are skipped and reported.
   * Entries are group names or definitions such as "BPFOnly=bpf_cpu_time_ms" (see parseFeatureGroup).
   */
  featureGroups?: readonly string[];
  /** The trainers to fit in every active pipeline. */
  trainers: readonly Trainer[];
  /** Default: AbsPower and DynPower. */
  outputTypes?: readonly string[];
  /** Optional first segment of every model name (Kepler's pipeline name, e.g. "std_v0.7"). */
  pipelineName?: string;
  /** Kepler node type index (node_type_index.json). Default 0. */
  nodeType?: number;
  /** Seed of the holdout split and of every trainer. Default 0. */
  seed?: number;
  /** Kepler's machine_spec, copied into metadata when given. */
  machineSpec?: Record<string, unknown>;
  /** Stops between two models (Ctrl-C): train() then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface ResolvedOptions
  extends Required<
    Omit<TrainOptions, 'pipelineName' | 'machineSpec' | 'featureGroups' | 'outputTypes' | 'signal'>
  > {
  featureGroups: FeatureGroup[];
  outputTypes: OutputType[];
  pipelineName?: string;
  machineSpec?: Record<string, unknown>;
  signal?: AbortSignal;
}

export function resolveOptions(o: TrainOptions): ResolvedOptions {
  const featureGroups = (o.featureGroups ?? FEATURE_GROUP_NAMES).map(parseFeatureGroup);
  const groupNames = new Set<string>();
  for (const g of featureGroups) {
    if (groupNames.has(g.name))
      throw new InvalidArgumentError(`feature group ${JSON.stringify(g.name)} is selected twice`);
    groupNames.add(g.name);
  }
  const outputTypes = (o.outputTypes ?? OUTPUT_TYPES).map((t) => {
    if (!(OUTPUT_TYPES as readonly string[]).includes(t)) {
      throw new InvalidArgumentError(
        `unknown output type ${JSON.stringify(t)}`,
        `use ${OUTPUT_TYPES.join(' or ')}`,
      );
    }
    return t as OutputType;
  });
  const nodeType = o.nodeType ?? 0;
  if (!Number.isSafeInteger(nodeType) || nodeType < 0) {
    throw new InvalidArgumentError(
      `invalid node type ${JSON.stringify(o.nodeType)}`,
      'node types are whole numbers from 0 (an index into node_type_index.json)',
    );
  }
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidArgumentError(
      `invalid seed ${JSON.stringify(o.seed)}`,
      'a seed is a whole number from 0',
    );
  }
  if (o.trainers.length === 0)
    throw new InvalidArgumentError('no trainer selected', 'pass at least one trainer');
  const names = new Set<string>();
  for (const t of o.trainers) {
    if (names.has(t.name))
      throw new InvalidArgumentError(`trainer ${JSON.stringify(t.name)} is selected twice`);
    names.add(t.name);
  }
  return { ...o, featureGroups, outputTypes: dedupe(outputTypes), nodeType, seed };
}

function dedupe<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
