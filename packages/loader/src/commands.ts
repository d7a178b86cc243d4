// The loader's `modelshelf` subcommands, one file each under ./commands/. The top-level binary
// (packages/cli) calls registerLoaderCommands on the program that already carries the global
// options (--store, --json, --quiet) from the registry's CLI kit.
import type { Command } from 'commander';
import { registerEstimator } from './commands/estimator.ts';
import { registerImportKepler } from './commands/import-kepler.ts';
import { registerPredict } from './commands/predict.ts';
import { registerWatch } from './commands/watch.ts';

export function registerLoaderCommands(program: Command): Command {
  registerWatch(program);
  registerEstimator(program);
  registerPredict(program);
  registerImportKepler(program);
  return program;
}

export { runWatch, type WatchRun } from './commands/watch.ts';
