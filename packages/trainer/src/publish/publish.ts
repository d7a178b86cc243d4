// Trained models → new versions in a modelshelf store. Each model becomes the next version of its
// name, with the trainer's artifact files, the formats it declared, and the Kepler metadata.
// With an improvement threshold (the watch loop's gate), a model is published only when its mae
// beats the mae recorded on the version the name currently resolves to (pin, else latest).
import { lenientModelMetadata } from '@modelshelf/formats';
import { ModelNotFoundError, type Store } from '@modelshelf/registry';
import { encodeHoldout, HOLDOUT_FILE } from '../evaluate/holdout-record.ts';
import type { TrainedModel } from '../pipeline/train.ts';

export interface PublishModelsOptions {
  /** Train without writing anything. */
  dryRun?: boolean;
  /**
   * Required relative improvement of mae over the resolved version, e.g. 0.05 = 5% lower.
   * Undefined: publish every model (a one-shot run).
   */
  improvement?: number;
  /** Stops before the next model (Ctrl-C): what was published stays, the rest is not attempted. */
  signal?: AbortSignal;
}

export type PublishAction = 'published' | 'skipped' | 'dry-run';

export interface PublishDecision {
  model: string;
  action: PublishAction;
  mae: number;
  version?: number;
  digest?: string;
  /** The version compared against and its mae, when there was one. */
  previous?: { version: number; mae: number | undefined };
  /** Why it was skipped or published over an existing version. */
  reason?: string;
}

export async function publishModels(
  store: Store | undefined,
  models: readonly TrainedModel[],
  options: PublishModelsOptions = {},
): Promise<PublishDecision[]> {
  const decisions: PublishDecision[] = [];
  for (const model of models) {
    if (options.signal?.aborted) break;
    const base = { model: model.name, mae: model.mae };
    const gate =
      store && options.improvement !== undefined
        ? await compare(store, model, options.improvement)
        : undefined;
    if (gate && !gate.publish) {
      decisions.push({ ...base, action: 'skipped', previous: gate.previous, reason: gate.reason });
      continue;
    }
    if (options.dryRun || !store) {
      decisions.push({ ...base, action: 'dry-run', previous: gate?.previous, reason: gate?.reason });
      continue;
    }
    const result = await store.publish({
      model: model.name,
      files: [
        ...model.exported.files.map((f) => ({ path: f.path, data: f.data })),
        // Beside the artifacts so that `modelshelf report` can draw this version's holdout later.
        ...(model.exported.files.some((f) => f.path === HOLDOUT_FILE)
          ? []
          : [{ path: HOLDOUT_FILE, data: encodeHoldout(model.holdout) }]),
      ],
      formats: model.exported.formats,
      metadata: model.metadata,
    });
    decisions.push({
      ...base,
      action: 'published',
      version: result.version,
      digest: result.digest,
      previous: gate?.previous,
      reason: gate?.reason,
    });
  }
  return decisions;
}

interface Gate {
  publish: boolean;
  previous?: { version: number; mae: number | undefined };
  reason: string;
}

async function compare(store: Store, model: TrainedModel, improvement: number): Promise<Gate> {
  let resolved: Awaited<ReturnType<Store['resolve']>>;
  try {
    resolved = await store.resolve(model.name);
  } catch (err) {
    if (err instanceof ModelNotFoundError) return { publish: true, reason: 'first version of this model' };
    throw err;
  }
  const previous = { version: resolved.version, mae: lenientModelMetadata(resolved.manifest.metadata).mae };
  const via = `v${resolved.version} (${resolved.via})`;
  if (previous.mae === undefined) {
    return { publish: true, previous, reason: `${via} records no numeric mae` };
  }
  const threshold = previous.mae * (1 - improvement);
  const pct = `${round(improvement * 100)}%`;
  if (model.mae <= threshold && model.mae < previous.mae) {
    return {
      publish: true,
      previous,
      reason: `mae ${model.mae} improves on ${via} mae ${previous.mae} by at least ${pct}`,
    };
  }
  return {
    publish: false,
    previous,
    reason: `mae ${model.mae} does not improve on ${via} mae ${previous.mae} by ${pct} (needs ≤ ${round(threshold)})`,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
