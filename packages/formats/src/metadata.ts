// The model metadata every version carries (manifest `metadata`), after Kepler's metadata.json:
// model_name, model_class, model_file, features, fe_files, output_type, mae, mape,
// <component>_mae/_mape, and optionally trainer, node_type, machine_spec. Written by the trainer and
// the importer; every reader (best-model choice, decoders, the publish gate) goes through this
// schema instead of reading fields by hand. Unknown fields are kept.
import { z } from 'zod';

/** Kepler writes numbers; some exports quote them. Both are accepted, as numbers. */
const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, 'not a number')
    .transform(Number),
]);

/** Kepler's node_type_index.json attributes of the training machine. */
export const machineSpecSchema = z
  .object({
    processor: z.string().optional(),
    cores: numeric.optional(),
    chips: numeric.optional(),
    memory: numeric.optional(),
    frequency: numeric.optional(),
  })
  .passthrough();

export const modelMetadataSchema = z
  .object({
    model_name: z.string().optional(),
    model_class: z.string().optional(),
    model_file: z.string().optional(),
    features: z.array(z.string()).optional(),
    fe_files: z.array(z.string()).optional(),
    output_type: z.string().optional(),
    /** Mean absolute error in watts (Kepler's ERROR_KEY: the best model has the lowest). */
    mae: numeric.optional(),
    /** Mean absolute percentage error; -1 when it could not be computed. */
    mape: numeric.optional(),
    trainer: z.string().optional(),
    node_type: numeric.pipe(z.number().int()).optional(),
    machine_spec: machineSpecSchema.optional(),
    energy_source: z.string().optional(),
    feature_group: z.string().optional(),
    pipeline: z.string().optional(),
  })
  .passthrough();

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;
export type MachineSpec = z.infer<typeof machineSpecSchema>;

export class ModelMetadataError extends Error {
  override readonly name = 'ModelMetadataError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    problem: string,
  ) {
    super(`metadata "${field}" ${JSON.stringify(value) ?? 'undefined'} is invalid: ${problem}`);
  }
}

/** Parses a version's metadata; throws ModelMetadataError naming the first bad field and its value. */
export function parseModelMetadata(raw: unknown): ModelMetadata {
  const parsed = modelMetadataSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(metadata)';
  const value = issue.path.reduce<unknown>(
    (v, k) =>
      v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k as PropertyKey] : undefined,
    raw,
  );
  throw new ModelMetadataError(field, value, issue.message);
}

/**
 * Every known field that parses, the others dropped: for decoders, which use what the metadata
 * knows (trainer, machine cores) but must not refuse a model over an unrelated bad field.
 */
export function lenientModelMetadata(raw: unknown): ModelMetadata {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const out: Record<string, unknown> = {};
  const shape = modelMetadataSchema.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(raw)) {
    const field = shape[key];
    if (!field) out[key] = value;
    else {
      const parsed = field.safeParse(value);
      if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
    }
  }
  return out as ModelMetadata;
}
