// Which model of one feature group the estimator would serve. With a store this asks the loader's
// own selectBestModel (the rule the estimator runs); without one (a dry run) it applies the same
// rule to the models in hand: lowest mae among models with a features list and a usable mae,
// ties to the first in name order.
import { selectBestModel } from '@modelshelf/loader';
import type { Store } from '@modelshelf/registry';
import type { ReportCandidate, ReportComparison } from './model.ts';

/** "<[pipeline/]energySource/outputType/featureGroup>" of a model name. */
export function groupOf(model: string): string {
  return model.slice(0, model.lastIndexOf('/'));
}

export function trainerOf(model: string): string {
  return model.slice(model.lastIndexOf('/') + 1);
}

export interface LocalCandidate {
  model: string;
  version?: number;
  mae: unknown;
  features: unknown;
}

export function compareLocally(
  group: string,
  models: readonly LocalCandidate[],
  note?: string,
): ReportComparison {
  const candidates: ReportCandidate[] = [...models]
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0))
    .map((m) => {
      const mae = typeof m.mae === 'number' ? m.mae : Number(m.mae);
      const c: ReportCandidate = { model: m.model, version: m.version, trainer: trainerOf(m.model), mae };
      if (!Array.isArray(m.features)) c.excluded = 'metadata has no "features" list';
      else if (!Number.isFinite(mae) || mae < 0)
        c.excluded = `metadata "mae" ${JSON.stringify(m.mae)} is not a usable error`;
      return c;
    });
  let chosen: ReportCandidate | undefined;
  for (const c of candidates) if (!c.excluded && (!chosen || c.mae! < chosen.mae!)) chosen = c;
  return { group, candidates, chosen: chosen?.model, ...(note ? { note } : {}) };
}

/**
 * Asks the estimator's rule over the store for a node that supplies exactly this group's features.
 * Models of other groups whose features are a subset compete too, as they do in the estimator.
 */
export async function compareInStore(
  store: Store,
  group: string,
  features: readonly string[],
  nodeType?: number,
): Promise<ReportComparison> {
  const parts = group.split('/');
  const [energySource, outputType] = parts.slice(-3, -1) as [string, string];
  const pipeline = parts.length > 3 ? parts.slice(0, -3).join('/') : undefined;
  let all: Awaited<Parameters<NonNullable<Parameters<typeof selectBestModel>[2]>>[0]> = [];
  const best = await selectBestModel(
    store,
    { energySource, outputType, availableFeatures: features, nodeType, pipeline },
    (c) => {
      all = c;
    },
  );
  const candidates = all
    .filter((c) => groupOf(c.model) === group)
    .map((c) => ({
      model: c.model,
      version: c.version,
      trainer: trainerOf(c.model),
      mae: c.mae,
      excluded: c.excluded,
    }));
  const comparison: ReportComparison = { group, candidates, chosen: best?.model };
  if (best && groupOf(best.model) !== group) {
    comparison.note = `a node with these features is served ${best.model}@${best.version} (mae ${best.mae}) from another feature group`;
  }
  return comparison;
}
