// The action of `modelshelf train` (descriptor: train.ts), loaded only when the command runs; it
// imports the trainer package (tfjs and every trainer) in turn.
import { EXIT_CODES, InvalidArgumentError, type Store } from '@modelshelf/registry';
import type { DataSource, TrainerCatalog, TrainOptions, WatchCycle } from '@modelshelf/trainer';
import type { Command } from 'commander';
import { openStoreFromOptions, outputFor } from '../../kit/index.ts';
import type { RegisterTrainOptions, TrainCommandOptions } from './train.ts';

/** The trainer package, imported only when `train` runs: it loads tfjs and every trainer. */
type Trainer = typeof import('@modelshelf/trainer');

/** The action for a program registered with these options (a test's trainer catalog). */
export function trainAction(options: RegisterTrainOptions) {
  return async (opts: TrainCommandOptions, cmd: Command): Promise<number | undefined> => {
    // From the first moment, so that a Ctrl-C while the trainers load is answered too.
    const interrupt = interruptible();
    try {
      return await trainCommand(opts, cmd, options, interrupt.signal);
    } finally {
      interrupt.release();
    }
  };
}

async function trainCommand(
  opts: TrainCommandOptions,
  cmd: Command,
  options: RegisterTrainOptions,
  signal: AbortSignal,
): Promise<number | undefined> {
  const out = outputFor(cmd);
  const trainer = await import('@modelshelf/trainer');
  if (signal.aborted) return interrupted(out, []);
  const catalog =
    typeof options.catalog === 'function'
      ? await options.catalog()
      : (options.catalog ?? defaultCatalog(trainer));
  const trainers = trainer.pickTrainers(catalog, opts.trainers);
  const improvement = opts.improvement === undefined ? undefined : parsePercent(opts.improvement);
  const shard = opts.shard === undefined ? undefined : trainer.parseShard(opts.shard);
  const runId =
    opts.shard !== undefined || opts.runId !== undefined ? trainer.runIdFor(opts.runId, shard) : undefined;
  const anchor = Date.now() / 1000;
  const baseOptions = (elapsed: number): TrainOptions => ({
    source: dataSource(trainer, opts, anchor, elapsed),
    energySource: opts.energySource,
    featureGroups: opts.featureGroups,
    trainers,
    outputTypes: opts.outputTypes,
    pipelineName: opts.pipeline,
    nodeType: parseWhole(opts.nodeType, '--node-type'),
    seed: parseWhole(opts.seed, '--seed'),
    ...(shard ? { shard } : {}),
  });
  baseOptions(0); // validates the data options before opening the store
  if (opts.report && opts.watchInterval) {
    throw new InvalidArgumentError(
      '--report writes the report of one run and cannot follow --watch-interval',
      'run `modelshelf report MODEL --out DIR` on the published versions instead',
    );
  }
  const store: Store | undefined = opts.dryRun ? undefined : await openStoreFromOptions(cmd);
  try {
    if (opts.watchInterval) {
      await trainer.watchAndTrain({
        store,
        intervalSeconds: trainer.parseDuration(opts.watchInterval, '--watch-interval'),
        optionsFor: baseOptions,
        improvement: improvement ?? trainer.DEFAULT_IMPROVEMENT,
        dryRun: opts.dryRun,
        signal,
        onCycle: (c) => printCycle(trainer, out, c),
      });
      return;
    }
    const startedAt = new Date();
    let result: Awaited<ReturnType<Trainer['train']>>;
    let decisions: Awaited<ReturnType<Trainer['publishModels']>> = [];
    try {
      result = await trainer.train({ ...baseOptions(0), signal });
      decisions = await trainer.publishModels(store, result.models, {
        dryRun: opts.dryRun,
        improvement,
        signal,
      });
    } catch (err) {
      if (!signal.aborted) throw err;
      return interrupted(out, decisions);
    }
    if (signal.aborted) return interrupted(out, decisions, result.models.length);
    if (store && runId) {
      const times = { startedAt, finishedAt: new Date() };
      await trainer.writeRunSummary(store, trainer.runSummary(runId, result, decisions, times));
    }
    const doc = trainer.reportDocument(result, decisions);
    if (out.json) out.printJson(doc);
    else out.streams.stdout.write(trainer.formatReport(doc));
    if (opts.report) {
      const html = await import('@modelshelf/trainer/report');
      const input = await html.trainingReport(result, decisions, { store });
      const file = await html.writeReport(opts.report, input);
      out.streams.stderr.write(`report: ${file}\n`);
    }
    return result.models.length === 0 ? EXIT_CODES.usage : undefined;
  } finally {
    await store?.close();
  }
}

/** Exit status of a command stopped by Ctrl-C (128 + SIGINT), as a shell reports it. */
const INTERRUPTED_EXIT = 130;

/** Ctrl-C (or SIGTERM) during a run: stop at the next model, keep what was published. */
function interruptible(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** What an interrupted run kept: the versions published before the signal, and what it did not do. */
function interrupted(
  out: ReturnType<typeof outputFor>,
  decisions: readonly { model: string; action: string; version?: number }[],
  trained?: number,
): number {
  const published = decisions.filter((d) => d.action === 'published');
  const lines = [
    trained === undefined
      ? 'interrupted while training, before publishing'
      : `interrupted while publishing ${trained} trained model${trained === 1 ? '' : 's'}`,
    published.length
      ? `kept (published before the interruption): ${published.map((d) => `${d.model}@${d.version}`).join(', ')}`
      : 'nothing was published: the store is unchanged',
  ];
  if (trained !== undefined && trained > published.length) {
    lines.push(
      `not published: ${trained - published.length} trained model${trained - published.length === 1 ? '' : 's'} (run train again to publish them)`,
    );
  }
  for (const l of lines) out.streams.stderr.write(`${l}\n`);
  return INTERRUPTED_EXIT;
}

function printCycle(trainer: Trainer, out: ReturnType<typeof outputFor>, c: WatchCycle): void {
  const at = new Date(c.at * 1000).toISOString();
  if (out.json) {
    // One JSON document per line and cycle, so a consumer can follow the loop.
    const doc = c.result ? trainer.reportDocument(c.result, c.decisions) : undefined;
    out.streams.stdout.write(
      `${JSON.stringify({ cycle: c.cycle, at, error: c.error?.message, report: doc })}\n`,
    );
    return;
  }
  out.line(`--- cycle ${c.cycle} at ${at}`);
  if (c.error) out.line(`cycle failed, nothing published: ${c.error.message}`);
  if (c.result) out.streams.stdout.write(trainer.formatReport(trainer.reportDocument(c.result, c.decisions)));
}

/**
 * The data source of a cycle. For Prometheus, --start/--end are read against `anchor` (the start
 * of the command) and every cycle shifts that window by the seconds elapsed since: "now-1h".."now" slides.
 */
function dataSource(
  trainer: Trainer,
  opts: TrainCommandOptions,
  anchor: number,
  elapsed: number,
): DataSource {
  if (opts.data && opts.prometheus) {
    throw new InvalidArgumentError('--data and --prometheus are mutually exclusive', 'pass one data source');
  }
  if (opts.data) return { kind: 'file', path: opts.data };
  if (!opts.prometheus) {
    throw new InvalidArgumentError(
      'no training data given',
      'pass --data <file> or --prometheus <url> --start <time> --end <time>',
    );
  }
  if (!opts.start || !opts.end) {
    throw new InvalidArgumentError('--prometheus needs --start and --end', 'e.g. --start now-1h --end now');
  }
  return {
    kind: 'prometheus',
    url: opts.prometheus,
    start: trainer.parseTime(opts.start, anchor) + elapsed,
    end: trainer.parseTime(opts.end, anchor) + elapsed,
    step: trainer.parseDuration(opts.step, '--step'),
    metrics: opts.metrics,
  };
}

function parseWhole(value: string, option: string): number {
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(`${option} expects a whole number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function parsePercent(value: string): number {
  const n = Number(value.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n >= 100) {
    throw new InvalidArgumentError(
      `--improvement expects a percentage in [0, 100), got ${JSON.stringify(value)}`,
      'e.g. --improvement 5',
    );
  }
  return n / 100;
}

/** The package's trainers. */
function defaultCatalog({ TRAINER_NAMES, trainerByName }: Trainer): TrainerCatalog {
  return Object.fromEntries(TRAINER_NAMES.map((name) => [name, () => trainerByName(name)]));
}
