// Kepler's metadata for one imported model, gathered from where kepler-model-db keeps it:
//   <model_name>/metadata.json                        per model: model_class, features, mae, mape, <component>_mae…
//   <pipeline>/<energy_source>_<output_type>_model_metadata.csv   per pipeline: the same, one row per model
//   <pipeline>/node_type_index.json                   node type → machine spec (processor, cores, …)
//   <pipeline>/metadata.json                          pipeline name, isolator, extractor, publisher, times
// The model's own metadata.json wins over the CSV row; the node type comes from the metadata, else the
// model name (Kepler names models <Trainer>_<node type>).
// `machine_spec` is kept only where the model itself carries one (its metadata.json, CSV row or weight
// file): it is what the estimator's `core_ratio` divides by, and kepler-model-server's sidecar reads it
// from the model's own metadata only, answering 1 without it. The spec node_type_index.json gives for
// the node type is information about the training machine, kept under `node_type_spec`: using it as the
// ratio's source would scale idle power by e.g. 2/96 on a 2-core node where Kepler uses 1.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeTypeOfModelName, trainerFromModelName } from '@modelshelf/formats';
import type { KeplerModelFiles } from './import-scan.ts';

type Json = Record<string, unknown>;

export interface PipelineInfo {
  /** metadata.json of the pipeline, minus the long trainer lists. */
  metadata?: Json;
  nodeTypes: Record<string, Json>;
  /** CSV rows keyed by `<energy_source>/<output_type>/<feature_group>/<model_name>`. */
  rows: Map<string, Json>;
}

async function readJson(path: string): Promise<Json | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const value: unknown = JSON.parse(text);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** pandas wrote lists as Python reprs: "['bpf_cpu_time_ms', 'bpf_page_cache_hit']". */
function pythonList(text: string): string[] {
  return [...text.matchAll(/'([^']*)'|"([^"]*)"/g)].map((m) => m[1] ?? m[2]!);
}

function csvValue(column: string, text: string): unknown {
  if (column === 'features' || column === 'fe_files') return pythonList(text);
  if (text !== '' && /^(node_type|mae|mape|.+_mae|.+_mape)$/.test(column) && Number.isFinite(Number(text)))
    return Number(text);
  return text;
}

/** Pipeline files read once per import run: pipeline directory → its info. */
export type PipelineCache = Map<string, Promise<PipelineInfo>>;

/** Reads (once per cache) the pipeline-level files of `pipelineDir`. Missing files are simply absent. */
export function readPipelineInfo(
  pipelineDir: string,
  cache: PipelineCache = new Map(),
): Promise<PipelineInfo> {
  let info = cache.get(pipelineDir);
  if (!info) {
    info = loadPipelineInfo(pipelineDir);
    cache.set(pipelineDir, info);
  }
  return info;
}

async function loadPipelineInfo(dir: string): Promise<PipelineInfo> {
  const meta = await readJson(join(dir, 'metadata.json'));
  const { abs_trainers: _a, dyn_trainers: _d, ...metadata } = meta ?? {};
  const nodeTypes = (await readJson(join(dir, 'node_type_index.json'))) ?? {};
  const rows = new Map<string, Json>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^(.+)_(AbsPower|DynPower)_model_metadata\.csv$/.exec(name);
    if (!m) continue;
    // Loaded here, not at the top: the estimator imports the loader but never imports models.
    const { parse: parseCsv } = await import('csv-parse/sync');
    const records = parseCsv(await readFile(join(dir, name)), {
      columns: true,
      skip_empty_lines: true,
    }) as Record<string, string>[];
    for (const record of records) {
      const row: Json = {};
      for (const [column, text] of Object.entries(record)) {
        if (column === '' || column.startsWith('Unnamed')) continue; // pandas index columns
        row[column] = csvValue(column, text);
      }
      rows.set(`${m[1]}/${m[2]}/${String(row.feature_group)}/${String(row.model_name)}`, row);
    }
  }
  return { metadata: meta ? metadata : undefined, nodeTypes: nodeTypes as Record<string, Json>, rows };
}

/** Top-level keys a weight file may carry beside its components (Kepler's server adds them). */
function weightFileExtras(weights: Json | undefined): Json {
  if (!weights) return {};
  const out: Json = {};
  for (const key of ['model_name', 'machine_spec', 'mae']) if (key in weights) out[key] = weights[key];
  return out;
}

/** The manifest metadata for one model: Kepler's own keys, plus where it came from. */
export async function keplerImportMetadata(
  model: KeplerModelFiles,
  cache: PipelineCache = new Map(),
): Promise<Json> {
  const pipeline = await readPipelineInfo(model.pipelineDir, cache);
  const own = model.metadata ? ((await readJson(model.metadata)) ?? {}) : {};
  const row =
    pipeline.rows.get(`${model.energySource}/${model.outputType}/${model.featureGroup}/${model.modelName}`) ??
    {};
  const weights = model.weights ? await readJson(model.weights) : undefined;
  const extras = weightFileExtras(weights);
  const { feature_group: _fg, ...rowKeys } = row;
  const merged: Json = { ...rowKeys, ...extras, ...own };
  const modelName = typeof merged.model_name === 'string' ? merged.model_name : model.modelName;
  const nodeType = typeof merged.node_type === 'number' ? merged.node_type : nodeTypeOfModelName(modelName);
  const nodeTypeSpec = nodeType !== undefined ? pipeline.nodeTypes[String(nodeType)]?.attrs : undefined;
  const features = merged.features ?? (weights ? Object.keys(firstComponentFeatures(weights)) : undefined);
  return {
    ...merged,
    model_name: modelName,
    trainer: typeof merged.trainer === 'string' ? merged.trainer : trainerFromModelName(modelName),
    ...(features !== undefined && { features }),
    ...(nodeType !== undefined && { node_type: nodeType }),
    ...(nodeTypeSpec !== undefined && { node_type_spec: nodeTypeSpec }),
    energy_source: model.energySource,
    output_type: model.outputType,
    feature_group: model.featureGroup,
    pipeline: typeof pipeline.metadata?.name === 'string' ? pipeline.metadata.name : model.pipeline,
    ...(pipeline.metadata && { pipeline_metadata: pipeline.metadata }),
    source: 'kepler-model-db',
  };
}

function firstComponentFeatures(weights: Json): Json {
  for (const value of Object.values(weights)) {
    const all = (value as Json | null)?.All_Weights as Json | undefined;
    const numerical = all?.Numerical_Variables;
    if (typeof numerical === 'object' && numerical !== null) return numerical as Json;
  }
  return {};
}
