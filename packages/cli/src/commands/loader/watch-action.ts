// The action of `modelshelf watch` (descriptor: watch.ts), loaded only when the command runs.
import { InvalidArgumentError } from '@modelshelf/registry';
import type { Command } from 'commander';
import { globalOptions, openStoreFromOptions } from '../../kit/index.ts';
import { trustPolicyFromOptions } from '../registry/trust-options.ts';
import type { WatchCommandOptions } from './watch.ts';
import { runWatch } from './watch-run.ts';

export async function watchAction(ref: string, opts: WatchCommandOptions, cmd: Command): Promise<void> {
  if (opts.pollInterval <= 0) throw new InvalidArgumentError('--poll-interval must be positive');
  const trust = trustPolicyFromOptions(opts);
  const loader = await import('@modelshelf/loader');
  const store = await openStoreFromOptions(cmd);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runWatch({
      ref,
      store,
      json: globalOptions(cmd).json,
      pollIntervalMs: opts.pollInterval,
      pollJitter: opts.pollJitter,
      poll: opts.poll || opts.events === false ? 'always' : 'auto',
      cacheDir: opts.cacheDir,
      decode: opts.raw ? loader.rawDecoder : loader.defaultDecoder,
      trust,
      write: (line) => process.stdout.write(`${line}\n`),
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await store.close();
  }
}
