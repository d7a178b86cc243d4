// The run summary: one JSON record per training process (per shard), written to the store under
// runs/<run id>/ so the next step of a pipeline — or a person — sees the whole run: which shard published
// which versions, which models it left unpublished and why, which pipelines the data could not feed.
import { InvalidArgumentError, runRecordKey, type Store } from '@modelshelf/registry';
import type { Shard } from '../pipeline/shard.ts';
import type { TrainResult } from '../pipeline/train.ts';
import type { PublishDecision } from './publish.ts';

export const RUN_SUMMARY_FORMAT = 'modelshelf-train-run';

export interface RunSummary {
  format: typeof RUN_SUMMARY_FORMAT;
  schemaVersion: 1;
  run: string;
  /** Record name inside the run: "shard-<I>-of-<N>", or "run" for an unsharded process. */
  record: string;
  shard: Shard | null;
  startedAt: string;
  finishedAt: string;
  energySource: string;
  origin: string;
  /** Model names the whole run trains (every shard computes the same list) and this shard's share. */
  models: { total: number; assigned: number };
  published: { model: string; version: number; digest: string; mae: number }[];
  /** Trained but not published: the improvement gate, or a dry run. */
  unpublished: { model: string; action: string; reason?: string }[];
  /** Pipelines the data cannot feed (the same in every shard). */
  skippedPipelines: { outputType: string; featureGroup: string; reason: string; message: string }[];
  failures: TrainResult['failures'];
}

export function runRecordName(shard: Shard | undefined): string {
  return shard && shard.count > 1 ? `shard-${shard.index}-of-${shard.count}` : 'run';
}

export function runSummary(
  run: string,
  result: TrainResult,
  decisions: readonly PublishDecision[],
  times: { startedAt: Date; finishedAt: Date },
): RunSummary {
  const shard = result.shard ? { index: result.shard.index, count: result.shard.count } : undefined;
  return {
    format: RUN_SUMMARY_FORMAT,
    schemaVersion: 1,
    run,
    record: runRecordName(shard),
    shard: shard ?? null,
    startedAt: times.startedAt.toISOString(),
    finishedAt: times.finishedAt.toISOString(),
    energySource: result.energySource,
    origin: result.origin,
    models: {
      total: result.shard?.total ?? result.models.length + result.failures.length,
      assigned: result.shard?.assigned.length ?? result.models.length + result.failures.length,
    },
    published: decisions
      .filter((d) => d.action === 'published')
      .map((d) => ({ model: d.model, version: d.version!, digest: d.digest!, mae: d.mae })),
    unpublished: decisions
      .filter((d) => d.action !== 'published')
      .map((d) => ({ model: d.model, action: d.action, ...(d.reason ? { reason: d.reason } : {}) })),
    skippedPipelines: result.skipped.map((s) => ({
      outputType: s.outputType,
      featureGroup: s.featureGroup,
      reason: s.reason,
      message: s.message,
    })),
    failures: result.failures,
  };
}

/** Writes the summary as runs/<run>/<record>.json; returns the key. */
export function writeRunSummary(store: Store, summary: RunSummary): Promise<string> {
  return store.putRunRecord(summary.run, summary.record, summary as unknown as Record<string, unknown>);
}

/** Every shard's summary of `run`, and the models no shard reported yet (a shard still running, or lost). */
export async function readRun(
  store: Store,
  run: string,
): Promise<{ records: RunSummary[]; shards: { expected: number; reported: number } }> {
  const all = Object.values(await store.readRunRecords(run)).filter(
    (r): r is RunSummary & Record<string, unknown> => r.format === RUN_SUMMARY_FORMAT,
  );
  const expected = all.reduce((n, r) => Math.max(n, r.shard?.count ?? 1), 0);
  return { records: all, shards: { expected, reported: all.length } };
}

/** The run id: the one given, else (unsharded only) a timestamped one; shards of one run must share an id. */
export function runIdFor(given: string | undefined, shard: Shard | undefined, now = new Date()): string {
  if (given !== undefined) {
    runRecordKeyCheck(given);
    return given;
  }
  if (shard && shard.count > 1) {
    throw new InvalidArgumentError(
      `--shard ${shard.index}/${shard.count} needs --run-id: every shard of one run writes its summary under the same id`,
      'pass the same --run-id to every shard, e.g. the Kubernetes Job name',
    );
  }
  return `train-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}`;
}

function runRecordKeyCheck(run: string): void {
  runRecordKey(run, 'run');
}
