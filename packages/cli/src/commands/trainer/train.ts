// `modelshelf train`: Prometheus data (saved file, live API) or a feature CSV → Kepler pipelines →
// evaluated models → new versions in the store (see packages/trainer/README.md for every option).
// The action is in train-action.ts, loaded only when the command runs.
import type { TrainerCatalog } from '@modelshelf/trainer';
import { type Command, Option } from 'commander';
import { lazyAction } from '../../kit/run.ts';

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
  shard?: string;
  runId?: string;
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
    .option('--shard <I/N>', 'train only shard I (0-based) of N: a deterministic 1/N of the pipelines')
    .option('--run-id <id>', 'write a run summary to runs/<id>/ in the store (required with --shard)')
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
    .action(lazyAction(async () => (await import('./train-action.ts')).trainAction(options)));
}
