// `modelshelf watch <ref>`: follows a reference like an estimator would and prints one line per
// version served (and per failure), until SIGINT or SIGTERM. Useful to check a rollout from a node:
//   {"event":"loaded","model":"m","version":3,"digest":"sha256:…","at":"…","via":"latest","fromCache":false}
//   {"event":"error","model":"m","version":4,"reason":"integrity","message":"…","at":"…"}
// The action is in watch-action.ts, loaded only when the command runs.

import { type Command, Option } from 'commander';
import { pollJitterOption } from '../../kit/options.ts';
import { parseDuration } from '../../kit/parse.ts';
import { lazyAction } from '../../kit/run.ts';
import { addTrustOptions, type TrustCommandOptions } from '../registry/trust-options.ts';

export interface WatchCommandOptions extends TrustCommandOptions {
  pollInterval: number;
  pollJitter: number;
  poll?: boolean;
  events?: boolean;
  cacheDir?: string;
  raw?: boolean;
}

export { runWatch, type WatchRun } from './watch-run.ts';

export function registerWatch(program: Command): void {
  const watch = program
    .command('watch')
    .description(
      'follow a reference as an estimator would: print each version served and each failure, until Ctrl-C',
    )
    .argument('<ref>', 'model, model@<version> or model@<alias>')
    .addOption(
      new Option('--poll-interval <duration>', 'time between checks of the model head, e.g. 500ms, 5s')
        .default(5000, '5s')
        .argParser(parseDuration),
    )
    .addOption(pollJitterOption())
    .option(
      '--poll',
      'poll only, never native filesystem events (for remote mounts statfs does not recognise)',
    )
    .option('--no-events', 'alias of --poll')
    .option(
      '--cache-dir <dir>',
      'keep verified files and the last good version here (serves it when storage is down at start)',
    )
    .option('--raw', 'do not decode: only fetch and verify the files');
  addTrustOptions(watch).action(lazyAction(async () => (await import('./watch-action.ts')).watchAction));
}
