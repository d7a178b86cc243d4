// The holdout rows of one trained model, kept with each published version as `holdout.json`, so
// that a report drawn later from the store shows predicted against measured watts without
// retraining. Deterministic bytes: fixed key order, watts rounded to 1e-6 W, timestamps as given.
import { z } from 'zod';

export const HOLDOUT_FILE = 'holdout.json';
export const HOLDOUT_FORMAT = 'modelshelf-holdout';

export interface HoldoutComponent {
  measured: number[];
  predicted: number[];
}

export interface HoldoutRecord {
  format: typeof HOLDOUT_FORMAT;
  version: 1;
  /** Seed of the split that chose these rows. */
  seed: number;
  /** Unix seconds of each held-out row, ascending. */
  timestamps: number[];
  /** Component → watts, aligned with `timestamps`. */
  components: Record<string, HoldoutComponent>;
}

const series = z.array(z.number().finite());
const holdoutSchema = z
  .object({
    format: z.literal(HOLDOUT_FORMAT),
    version: z.literal(1),
    seed: z.number().int().nonnegative(),
    timestamps: series,
    components: z.record(z.string(), z.object({ measured: series, predicted: series })),
  })
  .refine(
    (r) =>
      Object.values(r.components).every(
        (c) => c.measured.length === r.timestamps.length && c.predicted.length === r.timestamps.length,
      ),
    { message: 'every component needs one measured and one predicted value per timestamp' },
  );

const micro = (x: number) => Math.round(x * 1e6) / 1e6;

export function holdoutRecord(
  seed: number,
  timestamps: ArrayLike<number>,
  components: Record<string, { measured: ArrayLike<number>; predicted: ArrayLike<number> }>,
): HoldoutRecord {
  const out: Record<string, HoldoutComponent> = {};
  for (const [name, c] of Object.entries(components)) {
    out[name] = { measured: Array.from(c.measured, micro), predicted: Array.from(c.predicted, micro) };
  }
  return { format: HOLDOUT_FORMAT, version: 1, seed, timestamps: Array.from(timestamps), components: out };
}

export function encodeHoldout(record: HoldoutRecord): Uint8Array {
  const components = Object.fromEntries(
    Object.entries(record.components).map(([k, c]) => [k, { measured: c.measured, predicted: c.predicted }]),
  );
  const doc = {
    format: record.format,
    version: record.version,
    seed: record.seed,
    timestamps: record.timestamps,
    components,
  };
  return new TextEncoder().encode(`${JSON.stringify(doc)}\n`);
}

/** Parses a holdout.json; throws with the reason when the bytes are not one. */
export function parseHoldout(bytes: Uint8Array, where = HOLDOUT_FILE): HoldoutRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw new Error(`${where} is not JSON: ${(err as Error).message}`);
  }
  const parsed = holdoutSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${where} is not a holdout record: ${parsed.error.issues[0]?.message}`);
  return parsed.data as HoldoutRecord;
}
