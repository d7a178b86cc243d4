import { z } from 'zod';

// What a framework file cannot say by itself: column names and the input scaling. Every dense format
// stores this same JSON object (tfjs: model.json userDefinedMetadata; h5: a root attribute; tflite: Model.metadata).

export const MODELSHELF_METADATA_KEY = 'modelshelf';

const metadataSchema = z.object({
  features: z.array(z.string()).min(1),
  outputs: z.array(z.string()).min(1),
  /** Max-abs input scale, one per feature; absent when inputs are used as they are. */
  scale: z.array(z.number()).optional(),
});

export type DenseMetadata = z.infer<typeof metadataSchema>;

export function denseMetadataOf(net: {
  features: string[];
  outputs: string[];
  normalization?: { scale: Float32Array };
}): DenseMetadata {
  return {
    features: [...net.features],
    outputs: [...net.outputs],
    ...(net.normalization ? { scale: Array.from(net.normalization.scale) } : {}),
  };
}

/** Parses the metadata object; returns a human-readable problem instead of throwing so callers can wrap it. */
export function parseDenseMetadata(
  value: unknown,
): { ok: true; value: DenseMetadata } | { ok: false; problem: string } {
  const parsed = metadataSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    problem: `metadata "${MODELSHELF_METADATA_KEY}" is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
  };
}
