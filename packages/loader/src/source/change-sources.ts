// The Source role: how one watcher learns that its model's head may have changed. Decided once the
// store is open, from the poll mode and what the store is on: polling (always, except `never`),
// native filesystem events (local disks only: statfs tells NFS/CephFS/FUSE mounts apart, where
// other machines' writes raise no event), and MinIO bucket notifications when configured. Every
// source only wakes a check; the check itself reads the head.
import { headKey, InvalidArgumentError, type Store } from '@modelshelf/registry';
import type { Logger } from '../watch/logger.ts';
import type { PollMode } from '../watch/options.ts';
import { type HintSource, watchHeadFile } from './fs-events.ts';
import { detectMount, type MountInfo } from './mount-kind.ts';
import { type MinioHintOptions, minioHeadListener, startPushHint } from './push-hint.ts';

/** How this watcher finds changes, decided at start (see PollMode). */
export interface ChangeSources {
  polling: boolean;
  nativeEvents: boolean;
  pushHints: boolean;
  /** For filesystem stores: what statfs says the store is on. */
  mount?: MountInfo;
}

export const POLL_MODES: readonly PollMode[] = ['auto', 'always', 'never'];

export function checkPollMode(mode: string): PollMode {
  if (!(POLL_MODES as readonly string[]).includes(mode)) {
    throw new InvalidArgumentError(
      `invalid poll mode ${JSON.stringify(mode)}`,
      'use "auto", "always" or "never"',
    );
  }
  return mode as PollMode;
}

export interface ChangeSourceOptions {
  model: string;
  mode: PollMode;
  /** Milliseconds between polls; also how often event-only mode looks for a missing directory. */
  intervalMs: number;
  minio?: MinioHintOptions;
  log: Logger;
  /** Called by every hint: run a check now. */
  wake: () => void;
}

/** Chooses and runs the change sources of one watcher. */
export class ChangeSourceRunner {
  sources: ChangeSources = { polling: true, nativeEvents: false, pushHints: false };
  private decided = false;
  private nativeAttached = false;
  private root: string | undefined;
  private readonly hints: HintSource[] = [];
  private attachTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ChangeSourceOptions) {}

  /** Decides once, with the store open, which sources to use, and starts the push hints. */
  async decide(store: Store): Promise<ChangeSources> {
    if (this.decided) return this.sources;
    this.decided = true;
    const { mode, minio } = this.options;
    this.root = store.driver.localRoot;
    const mount = this.root ? await detectMount(this.root) : undefined;
    const native =
      this.root !== undefined && (mode === 'never' || (mode === 'auto' && mount?.remote === false));
    const push = minio !== undefined;
    if (mode === 'never' && !native && !push) {
      throw new InvalidArgumentError(
        `poll: "never" on ${store.location} leaves no way to see changes`,
        'native events exist only for filesystem stores; use poll "auto" or pass the minio option',
      );
    }
    this.sources = { polling: mode !== 'never', nativeEvents: native, pushHints: push, mount };
    this.options.log.info({ ...this.sources, interval: this.options.intervalMs }, 'watching');
    if (minio) {
      this.hints.push(
        startPushHint({
          listen: minioHeadListener(minio, headKey(this.options.model)),
          onHint: () => this.options.wake(),
          onStreamError: (err, attempt, retryInMs) =>
            this.options.log.warn(
              { err: String(err), attempt, retryInMs },
              'bucket notification stream failed; reconnecting',
            ),
        }),
      );
    }
    return this.sources;
  }

  /** Attaches the native watcher once the model's directory exists (it may appear later). */
  async attachNative(): Promise<void> {
    if (!this.sources.nativeEvents || this.nativeAttached || this.stopped || !this.root) return;
    try {
      const hint = await watchHeadFile(this.root, headKey(this.options.model), () => this.options.wake());
      if (this.stopped) return void (await hint.stop());
      this.hints.push(hint);
      this.nativeAttached = true;
    } catch (err) {
      this.options.log.debug({ err: String(err) }, 'model directory not watchable yet');
      if (!this.sources.polling && !this.attachTimer) {
        // Event-only mode with no directory yet: look again later (a local stat, not a storage poll).
        this.attachTimer = setTimeout(() => {
          this.attachTimer = undefined;
          this.options.wake();
        }, this.options.intervalMs);
        this.attachTimer.unref();
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.attachTimer) clearTimeout(this.attachTimer);
    await Promise.all(this.hints.map((h) => h.stop()));
  }
}
