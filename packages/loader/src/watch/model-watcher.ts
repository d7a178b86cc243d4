// The Manager role: wires source → policy → loader → swap for one reference, and keeps the last
// good model serving through every failure.
//
// One check = one conditional read of the model's head (O(1) requests, whatever the number of
// versions). When the head changed, the policy picks the version to serve; when that differs from
// the one served, the version is fetched, verified, decoded and swapped in. Failures never touch
// the served model: they emit `error`, integrity and decode failures are remembered per version
// until the head changes (no re-download on every poll), and transient ones retry with jittered
// backoff.
import { EventEmitter } from 'node:events';
import {
  formatReference,
  type Head,
  headKey,
  InvalidArgumentError,
  parseReference,
  type Reference,
  type Store,
} from '@modelshelf/registry';
import { BlobCache } from '../cache/blob-cache.ts';
import { loadLastGood, saveLastGood } from '../cache/last-good.ts';
import type { Decoder } from '../decode/decoder.ts';
import { filesFromCache } from '../fetch/fetch-version.ts';
import { createLoaderMetrics, type LoaderMetrics } from '../metrics/loader-metrics.ts';
import { chooseTarget, shouldMove, type Target } from '../policy/version-policy.ts';
import { CheckScheduler } from '../source/check-scheduler.ts';
import { type HintSource, watchHeadFile } from '../source/fs-events.ts';
import { detectMount, type MountInfo } from '../source/mount-kind.ts';
import { minioHeadListener, startPushHint } from '../source/push-hint.ts';
import type { Served } from '../swap/served.ts';
import { type Lease, ServingSlot } from '../swap/serving-slot.ts';
import { backoffDelay } from './backoff.ts';
import { classifyFailure, LoadError, PERMANENT_REASONS } from './errors.ts';
import type { WatcherEvents } from './events.ts';
import { loadVersion } from './load-version.ts';
import { type Logger, silentLogger } from './logger.ts';
import { resolveStore } from './open-store.ts';
import { DEFAULTS, type WatchOptions } from './options.ts';

/** How this watcher finds changes, decided at start (see PollMode). */
export interface ChangeSources {
  polling: boolean;
  nativeEvents: boolean;
  pushHints: boolean;
  /** For filesystem stores: what statfs says the store is on. */
  mount?: MountInfo;
}

export class ModelWatcher<T> extends EventEmitter<WatcherEvents> {
  readonly ref: Reference;
  readonly metrics: LoaderMetrics;
  private readonly refText: string;
  private readonly model: string;
  private readonly log: Logger;
  private readonly interval: number;
  private readonly slot: ServingSlot<T>;
  private readonly scheduler: CheckScheduler;
  private readonly cache: BlobCache | undefined;
  private readonly hints: HintSource[] = [];
  private store: Store | undefined;
  private ownsStore = false;
  private etag: string | undefined;
  private head: Head | undefined;
  /** Versions refused for a reason retrying will not fix, until the head changes. */
  private readonly bad = new Map<number, LoadError>();
  private failures = 0;
  private lastError: string | undefined;
  private lastSuccessAt: number | undefined;
  private readonly startedAt = Date.now();
  private staleSince: number | undefined;
  private staleTimer: NodeJS.Timeout | undefined;
  private attachTimer: NodeJS.Timeout | undefined;
  private sourcesDecided = false;
  private closed = false;
  private readonly readyPromise: Promise<Served<T>>;
  private resolveReady!: (s: Served<T>) => void;
  private rejectReady!: (err: Error) => void;
  sources: ChangeSources = { polling: true, nativeEvents: false, pushHints: false };

  constructor(private readonly options: WatchOptions<T> & { decode: Decoder<T> }) {
    super();
    this.ref = parseReference(options.ref);
    this.refText = formatReference(this.ref);
    this.model = this.ref.model;
    this.log = (options.logger ?? silentLogger).child({ ref: this.refText });
    this.interval = positive(options.pollIntervalMs ?? DEFAULTS.pollIntervalMs, 'pollIntervalMs');
    this.metrics = createLoaderMetrics(options.metrics);
    this.cache = options.cacheDir ? new BlobCache(options.cacheDir) : undefined;
    this.slot = new ServingSlot<T>({
      disposeGraceMs: options.disposeGraceMs ?? DEFAULTS.disposeGraceMs,
      onDisposeError: (err, s) =>
        this.log.warn({ err, version: s.version }, 'dispose() of a retired model failed'),
    });
    this.scheduler = new CheckScheduler(() => this.check());
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // ready() may never be awaited; an unhandled rejection at close() must not crash the process.
    this.readyPromise.catch(() => {});
  }

  /** Starts the first check; returns at once. */
  start(): this {
    const mode = this.options.poll ?? DEFAULTS.poll;
    if (!['auto', 'always', 'never'].includes(mode)) {
      throw new InvalidArgumentError(
        `invalid poll mode ${JSON.stringify(mode)}`,
        'use "auto", "always" or "never"',
      );
    }
    void this.scheduler.wake();
    const staleAfter = (this.options.staleAfterIntervals ?? DEFAULTS.staleAfterIntervals) * this.interval;
    if (mode !== 'never') {
      this.staleTimer = setInterval(() => this.checkStale(staleAfter), Math.min(this.interval, 1000));
      this.staleTimer.unref();
    }
    return this;
  }

  current(): Served<T> | undefined {
    return this.slot.current();
  }

  /** The current model with a lease: it is not disposed before `release()`. */
  acquire(): Lease<T> | undefined {
    return this.slot.acquire();
  }

  /** Resolves with the first model served (from storage, or from the cache when storage is down). */
  ready(): Promise<Served<T>> {
    return this.readyPromise;
  }

  /** Checks storage now instead of waiting for the next poll; resolves when that check is done. */
  checkNow(): Promise<void> {
    return this.scheduler.wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.staleTimer) clearInterval(this.staleTimer);
    if (this.attachTimer) clearTimeout(this.attachTimer);
    await this.scheduler.stop();
    await Promise.all(this.hints.map((h) => h.stop()));
    this.slot.close();
    this.rejectReady(new Error(`watcher of ${this.refText} closed before a model was loaded`));
    if (this.ownsStore) await this.store?.close();
  }

  /** Emits `error` only when someone listens: an unheard EventEmitter error would kill the process. */
  private report(err: LoadError): void {
    const key = `${err.reason}:${err.version}:${err.message}`;
    if (key !== this.lastError) {
      this.log.warn(
        { reason: err.reason, version: err.version, err: err.message },
        'model not loaded; the current one keeps serving',
      );
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
    this.lastError = key;
    this.metrics.failed(this.model, err.reason);
  }

  /** One check; returns the delay before the next timed one. */
  private async check(): Promise<number | undefined> {
    if (this.closed) return undefined;
    let target: Target | undefined;
    try {
      const store = await this.openStore();
      await this.decideSources(store);
      this.metrics.storageRequest(this.model, 'poll');
      const res = await store.pollHead(this.model, this.etag);
      this.checkSucceeded();
      if (res !== 'unchanged') {
        if (this.etag !== undefined) this.log.debug({ seq: res.head.seq }, 'head changed');
        this.etag = res.etag;
        this.head = res.head;
        this.bad.clear();
      }
      await this.attachNativeEvents();
      target = chooseTarget(this.ref, this.head as Head);
      const current = this.slot.current();
      if (shouldMove(current, target) && !this.bad.has(target.version)) await this.load(store, target);
      this.failures = 0;
      this.lastError = undefined;
      return this.nextDelay();
    } catch (err) {
      const failure =
        err instanceof LoadError
          ? err
          : new LoadError(this.model, target?.version, classifyFailure(err, 'check'), err);
      if (failure.version !== undefined && PERMANENT_REASONS.has(failure.reason))
        this.bad.set(failure.version, failure);
      this.report(failure);
      if (failure.reason === 'unreachable' && !this.slot.current()) await this.bootFromCache();
      // Waiting for a version to appear or to be signed: poll at the normal pace, no backoff.
      if (
        PERMANENT_REASONS.has(failure.reason) ||
        failure.reason === 'not-found' ||
        failure.reason === 'untrusted'
      ) {
        this.failures = 0;
        return this.nextDelay();
      }
      this.failures++;
      return backoffDelay(this.failures, {
        baseMs: this.options.retry?.baseMs ?? this.interval,
        maxMs: Math.max(this.options.retry?.maxMs ?? DEFAULTS.retryMaxMs, this.options.retry?.baseMs ?? 0),
      });
    }
  }

  private nextDelay(): number | undefined {
    return this.sources.polling ? this.interval : undefined;
  }

  private async openStore(): Promise<Store> {
    if (!this.store) {
      const { store, owned } = await resolveStore(this.options.store);
      if (this.closed) {
        if (owned) await store.close();
        throw new Error('closed');
      }
      this.store = store;
      this.ownsStore = owned;
    }
    return this.store;
  }

  /** Decides once, with the store open, which change sources to use. */
  private async decideSources(store: Store): Promise<void> {
    if (this.sourcesDecided) return;
    this.sourcesDecided = true;
    const mode = this.options.poll ?? DEFAULTS.poll;
    const root = fsRoot(store);
    const mount = root ? await detectMount(root) : undefined;
    const native = root !== undefined && (mode === 'never' || (mode === 'auto' && mount?.remote === false));
    const push = this.options.minio !== undefined;
    if (mode === 'never' && !native && !push) {
      throw new InvalidArgumentError(
        `poll: "never" on ${store.location} leaves no way to see changes`,
        'native events exist only for filesystem stores; use poll "auto" or pass the minio option',
      );
    }
    this.sources = { polling: mode !== 'never', nativeEvents: native, pushHints: push, mount };
    this.log.info({ ...this.sources, interval: this.interval }, 'watching');
    if (this.options.minio) {
      this.hints.push(
        startPushHint({
          listen: minioHeadListener(this.options.minio, headKey(this.model)),
          onHint: () => void this.scheduler.wake(),
          onStreamError: (err, attempt, retryInMs) =>
            this.log.warn(
              { err: String(err), attempt, retryInMs },
              'bucket notification stream failed; reconnecting',
            ),
        }),
      );
    }
  }

  /** Attaches the native watcher once the model's directory exists (it may appear later). */
  private nativeAttached = false;
  private async attachNativeEvents(): Promise<void> {
    if (!this.sources.nativeEvents || this.nativeAttached || this.closed || !this.store) return;
    const root = fsRoot(this.store) as string;
    try {
      const hint = await watchHeadFile(root, headKey(this.model), () => void this.scheduler.wake());
      if (this.closed) return void (await hint.stop());
      this.hints.push(hint);
      this.nativeAttached = true;
    } catch (err) {
      this.log.debug({ err: String(err) }, 'model directory not watchable yet');
      if (!this.sources.polling && !this.attachTimer) {
        // Event-only mode with no directory yet: look again later (a local stat, not a storage poll).
        this.attachTimer = setTimeout(() => {
          this.attachTimer = undefined;
          void this.scheduler.wake();
        }, this.interval);
        this.attachTimer.unref();
      }
    }
  }

  private async load(store: Store, target: Target): Promise<void> {
    this.log.info({ version: target.version, via: target.via }, 'loading');
    this.metrics.storageRequest(this.model, 'manifest');
    const loaded = await loadVersion(
      store,
      this.model,
      target.version,
      this.options.decode,
      this.cache,
      this.options.trust,
    );
    if (loaded.trustWarning && !this.closed) {
      this.log.warn(
        { version: target.version, reason: loaded.trustWarning },
        'serving a version that is not trusted',
      );
      this.emit('warning', { model: this.model, version: target.version, message: loaded.trustWarning });
    }
    if (this.closed) {
      disposeValue(loaded.value);
      return;
    }
    const served: Served<T> = {
      model: this.model,
      version: target.version,
      digest: loaded.digest,
      manifest: loaded.manifest,
      metadata: loaded.manifest.metadata,
      value: loaded.value,
      via: target.via,
      fromCache: false,
      loadedAt: new Date(),
    };
    // Commit-to-swap delay: from the manifest's creation for a new latest, from the head's update for a ref move.
    const since = target.via === 'latest' ? loaded.manifest.createdAt : this.head?.updatedAt;
    const propagationMs = since ? Math.max(0, Date.now() - Date.parse(since)) : undefined;
    this.publish(served, propagationMs);
    if (this.options.cacheDir) {
      await saveLastGood(this.options.cacheDir, {
        ref: this.refText,
        model: this.model,
        version: target.version,
        digest: loaded.digest,
        manifestBytes: loaded.manifestBytes,
      }).catch((err) =>
        this.log.warn({ err: String(err) }, 'could not save the last good version to the cache'),
      );
    }
  }

  /** The swap itself, plus what is told about it. */
  private publish(served: Served<T>, propagationMs: number | undefined): void {
    const previous = this.slot.swap(served);
    this.metrics.served(this.model, served.version);
    this.metrics.loaded(this.model, propagationMs === undefined ? undefined : propagationMs / 1000);
    this.log.info(
      {
        version: served.version,
        digest: served.digest,
        via: served.via,
        fromCache: served.fromCache,
        propagationMs,
      },
      'serving',
    );
    this.emit('update', {
      model: served.model,
      version: served.version,
      digest: served.digest,
      via: served.via,
      fromCache: served.fromCache,
      previous: previous && { version: previous.version, digest: previous.digest },
      propagationMs,
    });
    this.resolveReady(served);
  }

  /** Storage is unreachable and nothing is served: serve the last good version from the cache. */
  private async bootFromCache(): Promise<void> {
    if (!this.options.cacheDir || !this.cache) return;
    const rec = await loadLastGood(this.options.cacheDir, this.refText);
    if (!rec) return;
    try {
      const files = await filesFromCache(rec.manifest, this.cache);
      const value = await this.options.decode(files, rec.manifest);
      if (this.closed || this.slot.current()) return disposeValue(value);
      this.publish(
        {
          model: rec.model,
          version: rec.version,
          digest: rec.digest,
          manifest: rec.manifest,
          metadata: rec.manifest.metadata,
          value,
          via: 'cache',
          fromCache: true,
          loadedAt: new Date(),
        },
        undefined,
      );
    } catch (err) {
      this.log.warn(
        { err: String(err), version: rec.version },
        'the cached last good version cannot be used',
      );
    }
  }

  private checkSucceeded(): void {
    const now = Date.now();
    this.metrics.checked(this.model, now);
    if (this.staleSince !== undefined) {
      const afterMs = now - (this.lastSuccessAt ?? this.startedAt);
      this.staleSince = undefined;
      this.log.info({ afterMs }, 'storage reachable again');
      this.emit('recovered', { model: this.model, afterMs });
    }
    this.lastSuccessAt = now;
  }

  private checkStale(staleAfterMs: number): void {
    if (this.staleSince !== undefined || this.closed) return;
    const since = Date.now() - (this.lastSuccessAt ?? this.startedAt);
    if (since <= staleAfterMs) return;
    this.staleSince = Date.now();
    const lastSuccessfulCheckAt = this.lastSuccessAt === undefined ? undefined : new Date(this.lastSuccessAt);
    this.log.warn({ sinceMs: since }, 'no successful check for a while; serving what was last loaded');
    this.emit('stale', { model: this.model, lastSuccessfulCheckAt, sinceMs: since });
  }
}

function fsRoot(store: Store): string | undefined {
  const d = store.driver as { kind: string; root?: unknown };
  return d.kind === 'fs' && typeof d.root === 'string' ? d.root : undefined;
}

function disposeValue(value: unknown): void {
  const v = value as { dispose?: () => unknown } | null;
  if (v && typeof v === 'object' && typeof v.dispose === 'function') {
    try {
      void v.dispose();
    } catch {
      // A model that cannot even be disposed was never served; nothing else to do.
    }
  }
}

function positive(n: number, name: string): number {
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(
      `${name} must be a positive number of milliseconds, got ${JSON.stringify(n)}`,
    );
  }
  return n;
}
