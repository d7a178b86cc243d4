// The body of `modelshelf watch`, separate from process signals and commander so tests can drive it
// (watch-action.ts runs it for the command). Imports the loader only when it runs.

import type { Decoder, PollMode, StoreInput } from '@modelshelf/loader';
import type { TrustPolicy } from '@modelshelf/registry';
import { shortDigest } from '../../kit/format.ts';

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
