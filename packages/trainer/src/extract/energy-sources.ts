// Energy sources and the power components each one measures (defined in @modelshelf/formats). Kepler
// has spelled the same source several ways across releases; a `source` label matching any alias of
// the requested source counts.
import { canonicalEnergySource, ENERGY_SOURCES, type EnergySourceInfo } from '@modelshelf/formats';
import { InvalidArgumentError } from '@modelshelf/registry';

export { ENERGY_SOURCES };

/** Resolves a source name or any of its aliases ("rapl" → "rapl-sysfs"). */
export function energySource(name: string): { name: string } & EnergySourceInfo {
  const canonical = canonicalEnergySource(name);
  if (canonical) return { name: canonical, ...ENERGY_SOURCES[canonical] };
  throw new InvalidArgumentError(
    `unknown energy source ${JSON.stringify(name)}`,
    `use one of ${Object.entries(ENERGY_SOURCES)
      .map(([n, s]) => `${n} (${s.components.join(', ')})`)
      .join('; ')}`,
  );
}
