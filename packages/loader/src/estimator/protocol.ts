// Kepler's estimator-sidecar protocol (docs/estimator-protocol.md), as spoken by Kepler's Go client
// (pkg/model/estimator/sidecar) and kepler-model-server's Python sidecar (estimate/estimator.py):
// one JSON request per connection, one JSON response, then the server closes.
// The vocabulary alone, not the formats barrel: the CLI imports this module at start (estimator's
// --help lists the output types) and the barrel would load every codec with it.
import { normaliseEnergySource, OUTPUT_TYPES, type OutputType } from '@modelshelf/formats/vocabulary';
import { ModelshelfError } from '@modelshelf/registry';
import { z } from 'zod';
import {
  type MetadataCondition,
  MetadataFilterError,
  parseMetadataFilter,
} from '../policy/metadata-filter.ts';

export { normaliseEnergySource, OUTPUT_TYPES, type OutputType };

/** Bounds on what a request may carry; the byte bound is enforced by the framer before parsing. */
export const LIMITS = {
  maxRequestBytes: 4 * 1024 * 1024,
  maxFeatures: 1024,
  maxRows: 100_000,
  maxNameLength: 256,
  maxSystemFeatures: 64,
};

const name = z.string().min(1).max(LIMITS.maxNameLength);
// Go marshals a nil slice as null: treat it as empty.
const optionalList = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .nullish()
    .transform((v) => v ?? []);

const requestSchema = z.object({
  metrics: optionalList(name, LIMITS.maxFeatures),
  values: optionalList(z.array(z.number()).max(LIMITS.maxFeatures), LIMITS.maxRows),
  output_type: z.enum(OUTPUT_TYPES, {
    error: (i) => `output_type ${JSON.stringify(i.input)} is not supported; use "AbsPower" or "DynPower"`,
  }),
  source: z.string().max(LIMITS.maxNameLength).nullish(),
  system_features: optionalList(name, LIMITS.maxSystemFeatures),
  system_values: optionalList(z.string().max(LIMITS.maxNameLength), LIMITS.maxSystemFeatures),
  trainer_name: z.string().max(LIMITS.maxNameLength).nullish(),
  filter: z.string().max(1024).nullish(),
  model_name: z.string().max(LIMITS.maxNameLength).nullish(),
});

export interface PowerRequest {
  metrics: string[];
  /** One row per workload (or one for the node), values in `metrics` order. */
  values: number[][];
  outputType: OutputType;
  /** Normalised energy source (see normaliseEnergySource). */
  source: string;
  /** The node's categorical values, e.g. {"cpu_architecture": "Sapphire Rapids"}. */
  system: Record<string, string>;
  /** Kepler's `trainer_name`: only models whose name contains it are chosen. */
  trainerName?: string;
  /** Kepler's `filter` text, as sent. */
  filter?: string;
  /** `filter` parsed: bounds on metadata a chosen model must meet. */
  conditions: MetadataCondition[];
}

export interface PowerResponse {
  /** Watts per component, one value per request row. Empty on failure. */
  powers: Record<string, number[]>;
  /** Empty on success, the reason otherwise (Kepler's sidecar convention). */
  msg: string;
  /** Cores of this node / cores of the training machine, for Kepler's idle power. */
  core_ratio?: number;
  /** Extensions (ignored by Kepler's client): what produced the answer. */
  model?: string;
  version?: number;
  digest?: string;
}

/** A request the estimator cannot answer; its message goes back to the client as the error text. */
export class ProtocolError extends ModelshelfError {
  override name = 'ProtocolError';
  constructor(message: string) {
    super(message, 'usage', 'PROTOCOL', 'see docs/estimator-protocol.md for the request format');
  }
}

/** Parses and checks one request text. Throws ProtocolError naming the offending field. */
export function parsePowerRequest(text: string): PowerRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(
      `request is not JSON (${(err as Error).message}); send one JSON object per connection`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ProtocolError('request must be a JSON object with "metrics", "values" and "output_type"');
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `"${issue.path.join('.')}"` : 'request';
    throw new ProtocolError(`invalid ${where}: ${issue.message}`);
  }
  const r = parsed.data;
  r.values.forEach((row, i) => {
    if (row.length !== r.metrics.length) {
      throw new ProtocolError(
        `values[${i}] has ${row.length} numbers but "metrics" names ${r.metrics.length}; every row needs one value per metric`,
      );
    }
  });
  if (new Set(r.metrics).size !== r.metrics.length)
    throw new ProtocolError(`"metrics" lists a name twice: ${JSON.stringify(r.metrics)}`);
  if (r.system_features.length !== r.system_values.length) {
    throw new ProtocolError(
      `"system_features" has ${r.system_features.length} names but "system_values" ${r.system_values.length} values`,
    );
  }
  let conditions: MetadataCondition[];
  try {
    conditions = parseMetadataFilter(r.filter ?? undefined);
  } catch (err) {
    if (err instanceof MetadataFilterError) throw new ProtocolError(`invalid "filter": ${err.message}`);
    throw err;
  }
  return {
    metrics: r.metrics,
    values: r.values,
    outputType: r.output_type,
    source: normaliseEnergySource(r.source),
    system: Object.fromEntries(r.system_features.map((f, i) => [f, r.system_values[i]!])),
    trainerName: r.trainer_name || undefined,
    filter: r.filter || undefined,
    conditions,
  };
}

/** The error answer Kepler's sidecar gives: no powers and a message. */
export const errorResponse = (msg: string): PowerResponse => ({ powers: {}, msg });

/** One compact JSON document; non-finite numbers (not representable in JSON) are refused upstream. */
export const encodeResponse = (r: PowerResponse): string => JSON.stringify(r);
