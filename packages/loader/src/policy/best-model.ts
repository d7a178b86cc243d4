// Kepler's "best model" selection across models: among the models stored under
// `[<pipeline>/]<energySource>/<outputType>/`, the one with the lowest `mae` in its metadata whose
// `features` the node can all supply (and whose `node_type` matches, when one is given).
// Each model contributes the version a plain reference resolves to (its pin, else its latest).
import { type Manifest, parseModelName, type Store } from '@modelshelf/registry';

export interface BestModelQuery {
  energySource: string;
  outputType: string;
  /** Metric names the node can produce, e.g. ["bpf_cpu_time_ms", "bpf_page_cache_hit"]. */
  availableFeatures: readonly string[];
  /** Kepler's node type index; models carrying another `node_type` are skipped. */
  nodeType?: number;
  /** A leading path segment, e.g. Kepler's pipeline name ("ec2-0.7.11"). */
  pipeline?: string;
}

export interface BestModel {
  model: string;
  version: number;
  digest: string;
  mae: number;
  features: string[];
  manifest: Manifest;
}

export interface Candidate {
  model: string;
  version: number;
  /** Why it was not chosen, when it was excluded. */
  excluded?: string;
  mae?: number;
}

/** The best model, or undefined when none qualifies. `explain` receives every candidate considered. */
export async function selectBestModel(
  store: Store,
  query: BestModelQuery,
  explain?: (candidates: Candidate[]) => void,
): Promise<BestModel | undefined> {
  const prefix = `${query.pipeline ? `${query.pipeline}/` : ''}${query.energySource}/${query.outputType}/`;
  parseModelName(prefix.slice(0, -1));
  const available = new Set(query.availableFeatures);
  const candidates: Candidate[] = [];
  let best: BestModel | undefined;
  for (const summary of await store.listModels(prefix)) {
    const version = summary.pin ?? summary.latest;
    if (version === null) continue;
    const rec = await store.readVersion(summary.model, version);
    const meta = rec.manifest.metadata;
    const features = Array.isArray(meta.features) ? meta.features.map(String) : undefined;
    const mae = typeof meta.mae === 'number' ? meta.mae : Number(meta.mae);
    const candidate: Candidate = { model: summary.model, version, mae };
    candidates.push(candidate);
    if (!features) candidate.excluded = 'metadata has no "features" list';
    else if (!Number.isFinite(mae) || mae < 0)
      candidate.excluded = `metadata "mae" ${JSON.stringify(meta.mae)} is not a usable error`;
    else if (features.some((f) => !available.has(f)))
      candidate.excluded = `needs ${features.filter((f) => !available.has(f)).join(', ')}`;
    else if (
      query.nodeType !== undefined &&
      meta.node_type !== undefined &&
      Number(meta.node_type) !== query.nodeType
    )
      candidate.excluded = `node_type ${JSON.stringify(meta.node_type)} is not ${query.nodeType}`;
    if (candidate.excluded || !features) continue;
    // Ties keep the first in name order, so the choice is stable across nodes.
    if (!best || mae < best.mae)
      best = { model: summary.model, version, digest: rec.digest, mae, features, manifest: rec.manifest };
  }
  explain?.(candidates);
  return best;
}
