// `modelshelf train`: Prometheus data (saved file, live API) or a feature CSV → Kepler pipelines →
// evaluated models → new versions in the store (see packages/trainer/README.md for every option).
import { EXIT_CODES, InvalidArgumentError, type Store } from '@modelshelf/registry';
import type { DataSource, TrainerCatalog, TrainOptions, WatchCycle } from '@modelshelf/trainer';
import { type Command, Option } from 'commander';
import { openStoreFromOptions, outputFor, runAction } from '../../kit/index.ts';

/** The trainer package, imported only when `train` runs: it loads tfjs and every trainer. */
type Trainer = typeof import('@modelshelf/trainer');

/** The trainer's DEFAULT_IMPROVEMENT as a percentage, for --help (the test asserts they agree). */
export const DEFAULT_IMPROVEMENT_PERCENT = 5;

export interface TrainCommandOptions {
  data?: string;
  prometheus?: string;
  start?: string;
  end?: string;
  step: string;
  metrics?: string[];
  energySource: string;
  featureGroups?: string[];
  trainers?: string[];
  outputTypes: string[];
  pipeline?: string;
  nodeType: string;
  seed: string;
  dryRun: boolean;
  watchInterval?: string;
  improvement?: string;
  report?: string;
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export interface RegisterTrainOptions {
  /** Trainers selectable by --trainers; default: the package's trainers. */
  catalog?: TrainerCatalog | (() => Promise<TrainerCatalog>);
}

export function registerTrainCommand(program: Command, options: RegisterTrainOptions = {}): Command {
  return program
    .command('train')
    .description('train Kepler power models from Prometheus data and publish each as a new version')
    .option(
      '--data <file>',
      "Kepler's saved query_range JSON, or a feature CSV (timestamp, features, <component>_power)",
    )
    .option('--prometheus <url>', 'read a live Prometheus over its HTTP API instead of a file')
    .option('--start <time>', 'with --prometheus: unix seconds, RFC 3339, "now" or "now-1h"')
    .option('--end <time>', 'with --prometheus: unix seconds, RFC 3339, "now" or "now-1h"')
    .option('--step <duration>', 'with --prometheus: query resolution (Kepler samples every 3s)', '3s')
    .option('--metrics <names>', 'with --prometheus: metrics to read (default: every kepler_* metric)', list)
    .requiredOption('--energy-source <name>', 'rapl-sysfs (package, core, uncore, dram) or acpi (platform)')
    .option(
      '--feature-groups <groups>',
      'feature groups, or definitions like BPFOnly=bpf_cpu_time_ms (default: all)',
      list,
    )
    .option('--trainers <names>', 'trainers to fit in every pipeline (default: all)', list)
    .option('--output-types <types>', 'AbsPower and/or DynPower', list, ['AbsPower', 'DynPower'])
    .option('--pipeline <name>', 'prefix every model name with this pipeline name')
    .option('--node-type <n>', 'Kepler node type index recorded in the model name and metadata', '0')
    .option('--seed <n>', 'seed of the holdout split and of every trainer', '0')
    .option('--dry-run', 'train and report without publishing', false)
    .option(
      '--report <dir>',
      'also write an HTML report of the run into <dir>: holdout plots, errors, the estimator’s choice per feature group',
    )
    .option('--watch-interval <duration>', 'keep retraining on a sliding window every <duration> (e.g. 10m)')
    .addOption(
      new Option(
        '--improvement <percent>',
        `publish only models whose mae beats the current version by this much (default with --watch-interval: ${DEFAULT_IMPROVEMENT_PERCENT})`,
      ),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ modelshelf train --data prom_response.json --energy-source rapl-sysfs --dry-run
  $ modelshelf train --data prom_response.json --energy-source rapl-sysfs --report ./report
  $ modelshelf train --prometheus http://127.0.0.1:9090 --start now-1h --end now --energy-source rapl-sysfs
  $ modelshelf train --prometheus http://prom:9090 --start now-2h --end now --energy-source acpi --watch-interval 15m --improvement 5
  $ modelshelf train --data preprocess_abs_default_rapl_BPFOnly.csv --energy-source rapl --feature-groups BPFOnly=bpf_cpu_time_ms`,
    )
    .action(
      runAction(async (opts: TrainCommandOptions, cmd: Command) => {
        // From the first moment, so that a Ctrl-C while the trainers load is answered too.
        const interrupt = interruptible();
        try {
          return await trainCommand(opts, cmd, options, interrupt.signal);
        } finally {
          interrupt.release();
        }
      }),
    );
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
