// The serving-side commands (watch, estimator, predict, import kepler), one file each; each parses its
// options and calls @modelshelf/loader's library API. Registered on the program that already carries
// the global options (--store, --json, --quiet) from the CLI kit.
import type { Command } from 'commander';
import { registerEstimator } from './estimator.ts';
import { registerImportKepler } from './import-kepler.ts';
import { registerPredict } from './predict.ts';
import { registerWatch } from './watch.ts';

export function registerLoaderCommands(program: Command): Command {
  registerWatch(program);
  registerEstimator(program);
  registerPredict(program);
  registerImportKepler(program);
  return program;
}

export { runWatch, type WatchRun } from './watch-run.ts';
