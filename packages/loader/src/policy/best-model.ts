// Kepler's "best model" selection across models: among the models stored under
// `[<pipeline>/]<energySource>/<outputType>/`, the one with the lowest `mae` in its metadata whose
// `features` the node can all supply (and whose `node_type` matches, when one is given), narrowed
// like kepler-model-server's model server by the request's `trainer_name` (the model name contains
// it) and `filter` (bounds on metadata). Only models this reader can decode compete: a version whose
// manifest declares formats, none of which is in the format registry, is excluded up front.
// Each model contributes the version a plain reference resolves to (its pin, else its latest).
// `rankModels` returns every eligible model best first, so a caller whose first choice fails to
// load can take the next.
import { FORMAT_NAMES, type ModelMetadata, parseModelMetadata } from '@modelshelf/formats/serving';
import { type Manifest, parseModelName, type Store } from '@modelshelf/registry';
import { failedCondition, type MetadataCondition } from './metadata-filter.ts';

export interface BestModelQuery {
  energySource: string;
  outputType: string;
  /** Metric names the node can produce, e.g. ["bpf_cpu_time_ms", "bpf_page_cache_hit"]. */
  availableFeatures: readonly string[];
  /** Kepler's node type index; models carrying another `node_type` are skipped. */
  nodeType?: number;
  /** A leading path segment, e.g. Kepler's pipeline name ("ec2-0.7.11"). */
  pipeline?: string;
  /** Kepler's `trainer_name`: only models whose name contains it. */
  trainerName?: string;
  /** Kepler's `filter`, parsed: bounds the metadata must meet. */
  conditions?: readonly MetadataCondition[];
  /** Format names the reader decodes. Default: every format of @modelshelf/formats' registry. */
  formats?: readonly string[];
}

export interface BestModel {
  model: string;
  version: number;
  digest: string;
  mae: number;
  features: string[];
  manifest: Manifest;
  metadata: ModelMetadata;
}

export interface Candidate {
  model: string;
  version: number;
  /** Why it was not chosen, when it was excluded. */
  excluded?: string;
  mae?: number;
}

/** Every eligible model, lowest mae first (ties in name order). `explain` receives every candidate considered. */
export async function rankModels(
  store: Store,
  query: BestModelQuery,
  explain?: (candidates: Candidate[]) => void,
): Promise<BestModel[]> {
  const prefix = `${query.pipeline ? `${query.pipeline}/` : ''}${query.energySource}/${query.outputType}/`;
  parseModelName(prefix.slice(0, -1));
  const available = new Set(query.availableFeatures);
  const formats = new Set(query.formats ?? FORMAT_NAMES);
  const candidates: Candidate[] = [];
  const eligible: BestModel[] = [];
  for (const summary of await store.listModels(prefix)) {
    const version = summary.pin ?? summary.latest;
    if (version === null) continue;
    const candidate: Candidate = { model: summary.model, version };
    candidates.push(candidate);
    const leaf = summary.model.slice(summary.model.lastIndexOf('/') + 1);
    if (query.trainerName && !leaf.includes(query.trainerName)) {
      candidate.excluded = `trainer_name ${JSON.stringify(query.trainerName)} is not in the model name`;
      continue;
    }
    let rec: Awaited<ReturnType<Store['readVersion']>>;
    let meta: ModelMetadata;
    try {
      rec = await store.readVersion(summary.model, version);
      meta = parseModelMetadata(rec.manifest.metadata);
    } catch (err) {
      candidate.excluded = (err as Error).message;
      continue;
    }
    candidate.mae = meta.mae;
    candidate.excluded = exclusion(rec.manifest, meta, available, formats, query);
    if (candidate.excluded) continue;
    eligible.push({
      model: summary.model,
      version,
      digest: rec.digest,
      mae: meta.mae!,
      features: meta.features!,
      manifest: rec.manifest,
      metadata: meta,
    });
  }
  explain?.(candidates);
  // A stable sort: ties keep name order, so the choice is the same on every node.
  return eligible.sort((a, b) => a.mae - b.mae);
}

/** The best model, or undefined when none qualifies. `explain` receives every candidate considered. */
export async function selectBestModel(
  store: Store,
  query: BestModelQuery,
  explain?: (candidates: Candidate[]) => void,
): Promise<BestModel | undefined> {
  return (await rankModels(store, query, explain))[0];
}

function exclusion(
  manifest: Manifest,
  meta: ModelMetadata,
  available: ReadonlySet<string>,
  formats: ReadonlySet<string>,
  query: BestModelQuery,
): string | undefined {
  const declared = manifest.formats.map((f) => f.name);
  if (declared.length > 0 && !declared.some((f) => formats.has(f)))
    return `formats ${declared.join(', ')} cannot be decoded here (known: ${[...formats].join(', ')})`;
  if (!meta.features) return 'metadata has no "features" list';
  if (meta.mae === undefined || !Number.isFinite(meta.mae) || meta.mae < 0)
    return `metadata "mae" ${JSON.stringify(meta.mae)} is not a usable error`;
  const missing = meta.features.filter((f) => !available.has(f));
  if (missing.length > 0) return `needs ${missing.join(', ')}`;
  if (query.nodeType !== undefined && meta.node_type !== undefined && meta.node_type !== query.nodeType)
    return `node_type ${meta.node_type} is not ${query.nodeType}`;
  return query.conditions ? failedCondition(meta, query.conditions) : undefined;
}
