// Export: any linear model (one intercept and one coefficient per feature, per component) as a Kepler
// weight file, so Kepler's own Go estimator can run a model trained here. Publish the file as a version
// and point Kepler's `*_INIT_URL` at it (or `modelshelf pull` it into Kepler's model directory).
import { writeFile } from 'node:fs/promises';
import { encodeKeplerWeights, type KeplerComponentSpec } from './encode.ts';
import { KeplerWeightsError } from './errors.ts';

export interface LinearComponentSpec {
  intercept: number;
  /** One per feature, in `features` order, applied to the scaled value x / scale. */
  coefficients: readonly number[];
}

export interface LinearModelSpec {
  /** Feature names in column order. */
  features: readonly string[];
  /**
   * Per feature divisor used when fitting (Kepler's max-abs scale; x' = x / scale). Omit when the
   * coefficients apply to raw values: every scale is then 1, which Kepler computes identically.
   */
  scales?: readonly number[];
  /** Component name (package, core, uncore, dram, platform, …) → its fitted line. */
  components: Readonly<Record<string, LinearComponentSpec>>;
}

const EXPORT_PATH = '<linear export>';

/** Bytes of a Kepler weight file (current schema) equivalent to `spec`. Throws KeplerWeightsError on shape errors. */
export function linearModelToKeplerWeights(spec: LinearModelSpec): Uint8Array {
  const n = spec.features.length;
  if (spec.scales !== undefined && spec.scales.length !== n) {
    throw new KeplerWeightsError(EXPORT_PATH, `scales has ${spec.scales.length} entries for ${n} features`, {
      value: spec.scales,
      hint: 'give one scale per feature, in the same order',
    });
  }
  const components: Record<string, KeplerComponentSpec> = {};
  for (const [name, c] of Object.entries(spec.components)) {
    if (c.coefficients.length !== n) {
      throw new KeplerWeightsError(
        EXPORT_PATH,
        `${c.coefficients.length} coefficients for ${n} features (${spec.features.join(', ')})`,
        {
          component: name,
          value: c.coefficients,
          hint: 'give one coefficient per feature, in the same order',
        },
      );
    }
    components[name] = {
      bias: c.intercept,
      features: spec.features.map((feature, j) => ({
        name: feature,
        scale: spec.scales?.[j] ?? 1,
        weight: c.coefficients[j]!,
      })),
    };
  }
  return encodeKeplerWeights({ components });
}

/** Writes the weight file; name it `<Trainer>_<node type>.json` so Kepler (and our codec) know the trainer. */
export async function writeKeplerWeightsFile(path: string, spec: LinearModelSpec): Promise<void> {
  await writeFile(path, linearModelToKeplerWeights(spec));
}
