// FormatCodec for Kepler weight JSON: a version holding one weight file (plus optionally metadata.json).
import { lenientModelMetadata } from '../metadata.ts';
import type { ArtifactFiles, DecodeContext, FormatCodec } from '../types.ts';
import { KEPLER_WEIGHTS_FORMAT, KeplerWeightsError } from './errors.ts';
import { KeplerPowerModel } from './power-model.ts';
import { predictorKindForTrainer, trainerFromModelName } from './trainer.ts';
import { KEPLER_COMPONENTS, parseKeplerWeightsJson } from './weights-schema.ts';

export interface KeplerWeightsCodecOptions {
  /** Trainer name when the files cannot tell (e.g. stored as weights.json, trainer in the manifest metadata). */
  trainer?: string;
  /** Core count of the training machine, for idle coreRatio (else the file's machine_spec.cores). */
  modelCores?: number;
}

export interface DecodeKeplerWeightsOptions extends KeplerWeightsCodecOptions {
  /** File name: names errors and, as `<Trainer>_<node type>.json`, gives the trainer. */
  path?: string;
  /** Parsed metadata.json next to the weights, if any (`trainer` or `model_name` give the trainer). */
  metadata?: Record<string, unknown>;
}

/** Files a version may carry beside the weights that are never weight files themselves. */
const NOT_WEIGHTS = new Set(['metadata.json', 'manifest.json']);
/** Weight files are a few KiB; anything far bigger is not one, and detect must stay cheap. */
const MAX_WEIGHTS_BYTES = 4 * 1024 * 1024;

/**
 * Trainer precedence: explicit option, then metadata.json (`trainer`, then `model_name`), then the weight file's
 * own `model_name`, then the file name. Kepler picks the predictor from this name; none means linear.
 */
export function resolveKeplerTrainer(
  options: DecodeKeplerWeightsOptions,
  fileModelName: string | undefined,
): string | undefined {
  const meta = lenientModelMetadata(options.metadata);
  const fromMeta =
    typeof meta.trainer === 'string'
      ? meta.trainer
      : typeof meta.model_name === 'string'
        ? trainerFromModelName(meta.model_name)
        : undefined;
  return (
    options.trainer ??
    fromMeta ??
    (fileModelName !== undefined ? trainerFromModelName(fileModelName) : undefined) ??
    (options.path !== undefined ? trainerFromModelName(options.path) : undefined)
  );
}

/** Bytes of one weight file → a ready model. Throws KeplerWeightsError naming the problem. */
export function decodeKeplerWeights(
  bytes: Uint8Array | string,
  options: DecodeKeplerWeightsOptions = {},
): KeplerPowerModel {
  // First pass without a predictor only to learn model_name; the second validates against the chosen trainer.
  const loose = parseKeplerWeightsJson(bytes, { path: options.path });
  const trainer = resolveKeplerTrainer(options, loose.modelName);
  const weights = parseKeplerWeightsJson(bytes, {
    path: options.path,
    predictor: predictorKindForTrainer(trainer),
  });
  return new KeplerPowerModel(weights, { trainer, modelCores: options.modelCores, path: options.path });
}

function weightCandidates(files: ArtifactFiles): string[] {
  return files
    .paths()
    .filter((p) => p.toLowerCase().endsWith('.json') && !NOT_WEIGHTS.has(p.split('/').pop()!.toLowerCase()));
}

function looksLikeWeights(bytes: Uint8Array): boolean {
  if (bytes.length > MAX_WEIGHTS_BYTES) return false;
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
    return Object.entries(json).some(
      ([k, v]) =>
        (KEPLER_COMPONENTS as readonly string[]).includes(k) &&
        typeof v === 'object' &&
        v !== null &&
        'All_Weights' in v,
    );
  } catch {
    return false;
  }
}

async function readMetadata(files: ArtifactFiles): Promise<Record<string, unknown> | undefined> {
  const path = files.paths().find((p) => p.split('/').pop()!.toLowerCase() === 'metadata.json');
  if (!path) return undefined;
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(await files.read(path)));
    return typeof json === 'object' && json !== null && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    throw new KeplerWeightsError(path, 'metadata.json is not a JSON object', { hint: 'fix or remove it' });
  }
}

/** A codec bound to a trainer name (and/or model core count) known from outside the files. */
export function createKeplerWeightsCodec(
  options: KeplerWeightsCodecOptions = {},
): FormatCodec<KeplerPowerModel> {
  return {
    name: KEPLER_WEIGHTS_FORMAT,
    async detect(files) {
      const candidates = weightCandidates(files);
      return candidates.length === 1 && looksLikeWeights(await files.read(candidates[0]!));
    },
    async decode(files, context) {
      const candidates = weightCandidates(files);
      if (candidates.length !== 1) {
        throw new KeplerWeightsError(
          candidates.join(', ') || '<version>',
          `expected exactly one weight .json file besides metadata.json, found ${candidates.length}`,
          { value: files.paths() },
        );
      }
      const path = candidates[0]!;
      const metadata = await readMetadata(files);
      const bound = { ...optionsFromContext(context), ...definedOnly(options) };
      return decodeKeplerWeights(await files.read(path), { ...bound, path, metadata });
    },
  };
}

const definedOnly = (o: KeplerWeightsCodecOptions): KeplerWeightsCodecOptions =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/**
 * What the version's metadata knows that the weight file may not: the trainer (directly or through
 * model_name `<Trainer>_<node type>`) and the training machine's cores.
 */
export function optionsFromContext(context: DecodeContext | undefined): KeplerWeightsCodecOptions {
  const meta = lenientModelMetadata(context?.metadata);
  const cores = meta.machine_spec?.cores;
  const modelCores = cores !== undefined && cores > 0 ? cores : undefined;
  const trainer =
    typeof meta.trainer === 'string'
      ? meta.trainer
      : typeof meta.model_name === 'string'
        ? trainerFromModelName(meta.model_name)
        : undefined;
  return definedOnly({ trainer, modelCores });
}

/** The default codec: trainer from metadata.json, the file's model_name or its file name. */
export const keplerWeightsCodec: FormatCodec<KeplerPowerModel> = createKeplerWeightsCodec();
