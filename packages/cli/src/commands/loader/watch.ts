// `modelshelf watch <ref>`: follows a reference like an estimator would and prints one line per
// version served (and per failure), until SIGINT or SIGTERM. Useful to check a rollout from a node:
//   {"event":"loaded","model":"m","version":3,"digest":"sha256:…","at":"…","via":"latest","fromCache":false}
//   {"event":"error","model":"m","version":4,"reason":"integrity","message":"…","at":"…"}

import type { Decoder, PollMode, StoreInput } from '@modelshelf/loader';
import { InvalidArgumentError, type TrustPolicy } from '@modelshelf/registry';
import { type Command, Option } from 'commander';
import {
  globalOptions,
  openStoreFromOptions,
  parseDuration,
  pollJitterOption,
  runAction,
  shortDigest,
} from '../../kit/index.ts';
import {
  addTrustOptions,
  type TrustCommandOptions,
  trustPolicyFromOptions,
} from '../registry/trust-options.ts';

interface WatchCommandOptions extends TrustCommandOptions {
  pollInterval: number;
  pollJitter: number;
  poll?: boolean;
  events?: boolean;
  cacheDir?: string;
  raw?: boolean;
}

export interface WatchRun {
  ref: string;
  store: StoreInput;
  json: boolean;
  pollIntervalMs: number;
  /** Default 0.2 (see WatchOptions.pollJitter). */
  pollJitter?: number;
  poll: PollMode;
  cacheDir?: string;
  decode: Decoder<unknown>;
  trust?: TrustPolicy;
  write: (line: string) => void;
  /** Aborting it ends the watch. */
  signal: AbortSignal;
}

/** The command's body, separate from process signals and commander so tests can drive it. */
export async function runWatch(run: WatchRun): Promise<void> {
  const { watchModel } = await import('@modelshelf/loader');
  const watcher = watchModel({
    store: run.store,
    ref: run.ref,
    decode: run.decode,
    pollIntervalMs: run.pollIntervalMs,
    pollJitter: run.pollJitter,
    poll: run.poll,
    cacheDir: run.cacheDir,
    trust: run.trust,
  });
  const at = () => new Date().toISOString();
  const print = (event: Record<string, unknown>, text: string) =>
    run.write(run.json ? JSON.stringify(event) : `${String(event.at)}  ${text}`);
  watcher.on('update', (u) =>
    print(
      {
        event: 'loaded',
        model: u.model,
        version: u.version,
        digest: u.digest,
        at: at(),
        via: u.via,
        fromCache: u.fromCache,
      },
      `loaded ${u.model}@${u.version} ${shortDigest(u.digest)} via ${u.via}${u.fromCache ? ' (from the local cache: storage unreachable)' : ''}`,
    ),
  );
  watcher.on('error', (e) =>
    print(
      {
        event: 'error',
        model: e.model,
        version: e.version ?? null,
        reason: e.reason,
        message: e.message,
        at: at(),
      },
      `error ${e.message}`,
    ),
  );
  watcher.on('warning', (w) =>
    print(
      { event: 'warning', model: w.model, version: w.version, message: w.message, at: at() },
      `warning ${w.message} (served anyway: --require-signature warn)`,
    ),
  );
  watcher.on('stale', (s) =>
    print(
      { event: 'stale', model: s.model, sinceMs: s.sinceMs, at: at() },
      `stale: no successful check for ${Math.round(s.sinceMs / 1000)} s`,
    ),
  );
  watcher.on('recovered', (r) =>
    print(
      { event: 'recovered', model: r.model, afterMs: r.afterMs, at: at() },
      `recovered after ${Math.round(r.afterMs / 1000)} s`,
    ),
  );
  await new Promise<void>((resolve) => {
    if (run.signal.aborted) resolve();
    run.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await watcher.close();
}

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
  addTrustOptions(watch).action(
    runAction(async (ref: string, opts: WatchCommandOptions, cmd: Command) => {
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
    }),
  );
}
