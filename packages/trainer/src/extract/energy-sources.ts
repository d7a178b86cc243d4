// Energy sources and the power components each one measures. Kepler has spelled the same source
// several ways across releases; a `source` label matching any alias of the requested source counts.
import { InvalidArgumentError } from '@modelshelf/registry';

interface EnergySource {
  components: readonly string[];
  /** Values of the `source` label that mean this source. */
  aliases: readonly string[];
}

export const ENERGY_SOURCES: Record<string, EnergySource> = {
  'rapl-sysfs': {
    components: ['package', 'core', 'uncore', 'dram'],
    aliases: ['rapl-sysfs', 'rapl', 'intel_rapl', 'rapl-msr'],
  },
  acpi: { components: ['platform'], aliases: ['acpi', 'hmc', 'redfish'] },
};

/** Resolves a source name or any of its aliases ("rapl" → "rapl-sysfs"). */
export function energySource(name: string): { name: string } & EnergySource {
  for (const [canonical, source] of Object.entries(ENERGY_SOURCES)) {
    if (source.aliases.includes(name)) return { name: canonical, ...source };
  }
  throw new InvalidArgumentError(
    `unknown energy source ${JSON.stringify(name)}`,
    `use one of ${Object.entries(ENERGY_SOURCES)
      .map(([n, s]) => `${n} (${s.components.join(', ')})`)
      .join('; ')}`,
  );
}
