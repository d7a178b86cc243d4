// Feature groups as the trainer takes them on its command line: Kepler's named groups (defined in
// @modelshelf/formats, the owner of Kepler's vocabulary) or a group defined on the spot.
import { FEATURE_GROUP_NAMES, FEATURE_GROUPS, isFeatureGroupName } from '@modelshelf/formats';
import { InvalidArgumentError } from '@modelshelf/registry';
import { canonicalFeatureName } from './names.ts';

export {
  FEATURE_GROUP_NAMES,
  FEATURE_GROUPS,
  type FeatureGroupName,
  isFeatureGroupName,
  NODE_FEATURES,
  OUTPUT_TYPES,
  type OutputType,
} from '@modelshelf/formats';

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
