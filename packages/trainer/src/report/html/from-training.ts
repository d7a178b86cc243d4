// A report of one training run: every trained model with its holdout, and per feature group the
// model the estimator would serve (asked of the store when the run published, else of the models in hand).
import type { Store } from '@modelshelf/registry';
import type { TrainResult } from '../../pipeline/train.ts';
import type { PublishDecision } from '../../publish/publish.ts';
import { compareInStore, compareLocally, groupOf } from './best-rule.ts';
import { historyOf } from './from-store.ts';
import type { ReportComparison, ReportInput, ReportModel, ReportTrainingData } from './model.ts';

export interface TrainingReportOptions {
  /** The store the run published to; undefined for a dry run. */
  store?: Store;
  generatedAt?: string;
}

export async function trainingReport(
  result: TrainResult,
  decisions: readonly PublishDecision[],
  options: TrainingReportOptions = {},
): Promise<ReportInput> {
  const byModel = new Map(decisions.map((d) => [d.model, d]));
  const models: ReportModel[] = result.models.map((m) => {
    const d = byModel.get(m.name);
    return {
      name: m.name,
      ...(d?.action === 'published' ? { version: d.version, digest: d.digest } : {}),
      energySource: m.energySource,
      outputType: m.outputType,
      featureGroup: m.featureGroup,
      trainer: m.trainer,
      mae: m.mae,
      mape: m.mape,
      components: m.components,
      trainingData: m.metadata.training_data as ReportTrainingData | undefined,
      holdout: m.holdout,
    };
  });
  const published = decisions.some((d) => d.action === 'published');
  const store = published ? options.store : undefined;
  const groups = new Map<string, typeof result.models>();
  for (const m of result.models) groups.set(groupOf(m.name), [...(groups.get(groupOf(m.name)) ?? []), m]);
  const comparisons: ReportComparison[] = [];
  for (const [group, members] of groups) {
    comparisons.push(
      store
        ? await compareInStore(store, group, members[0]!.features)
        : compareLocally(
            group,
            members.map((m) => ({ model: m.name, mae: m.mae, features: m.features })),
            'nothing was published (dry run): the estimator’s rule applied to the models of this run',
          ),
    );
  }
  const histories = store
    ? await Promise.all(models.filter((m) => m.version !== undefined).map((m) => historyOf(store, m.name)))
    : [];
  return {
    title: `Training report: ${result.energySource}`,
    source: result.origin,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    models,
    histories,
    comparisons,
    notes: [
      ...result.notes,
      ...result.skipped.map((s) => `${s.outputType}: ${s.message}`),
      ...result.failures.map((f) => `${f.outputType}/${f.featureGroup}/${f.trainer} failed: ${f.message}`),
    ],
  };
}
