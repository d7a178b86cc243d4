// The Manager role: composes source → policy → fetch/verify → decode → swap for one reference, and
// keeps the last good model serving through every failure. Each role lives in its own module:
// change sources (source/change-sources.ts), which version (policy/version-policy.ts, and
// policy/availability.ts for a fresh boot), fetch + verify + decode (load-version.ts), the swap
// (swap/serving-slot.ts), offline boot (cache/offline-boot.ts), staleness (staleness.ts) and trust
// warnings (trust-warning.ts).
//
// One check = one conditional read of the model's head (O(1) requests, whatever the number of
// versions). When the head changed, the policy picks the version to serve; when that differs from
// the one served, the version is fetched, verified, decoded and swapped in. Failures never touch
// the served model: they emit `error`, integrity and decode failures are remembered per version
// until the head changes (no re-download on every poll), and transient ones retry with jittered
// backoff. A watcher serving nothing yet falls back to the newest older version that passes.
import { EventEmitter } from 'node:events';
import {
  formatReference,
  type Head,
  InvalidArgumentError,
  parseReference,
  type Reference,
  type Store,
} from '@modelshelf/registry';
import { BlobCache } from '../cache/blob-cache.ts';
import { saveLastGood } from '../cache/last-good.ts';
import { bootFromCache } from '../cache/offline-boot.ts';
import type { Decoder } from '../decode/decoder.ts';
import { createLoaderMetrics, type LoaderMetrics } from '../metrics/loader-metrics.ts';
import { mayFallBack, olderVersions } from '../policy/availability.ts';
import { chooseTarget, shouldMove, type Target } from '../policy/version-policy.ts';
import { ChangeSourceRunner, type ChangeSources, checkPollMode } from '../source/change-sources.ts';
import { CheckScheduler } from '../source/check-scheduler.ts';
import type { Served } from '../swap/served.ts';
import { type Lease, ServingSlot } from '../swap/serving-slot.ts';
import { backoffDelay } from './backoff.ts';
import { classifyFailure, LoadError, PERMANENT_REASONS, REFUSAL_REASONS } from './errors.ts';
import type { WatcherEvents } from './events.ts';
import { loadVersion } from './load-version.ts';
import { type Logger, silentLogger } from './logger.ts';
import { resolveStore } from './open-store.ts';
import { DEFAULTS, type WatchOptions } from './options.ts';
import { checkPollJitter, pollDelay } from './poll-jitter.ts';
import { StalenessTracker } from './staleness.ts';
import { warnUntrusted } from './trust-warning.ts';

export type { ChangeSources };

export class ModelWatcher<T> extends EventEmitter<WatcherEvents> {
  readonly ref: Reference;
  readonly metrics: LoaderMetrics;
  private readonly refText: string;
  private readonly model: string;
  private readonly log: Logger;
  private readonly interval: number;
  private readonly jitter: number;
  private readonly slot: ServingSlot<T>;
  private readonly scheduler: CheckScheduler;
  private readonly changes: ChangeSourceRunner;
  private readonly staleness: StalenessTracker;
  private readonly cache: BlobCache | undefined;
  private store: Store | undefined;
  private ownsStore = false;
  private etag: string | undefined;
  private head: Head | undefined;
  /** Versions refused for a reason retrying will not fix, until the head changes. */
  private readonly bad = new Map<number, LoadError>();
  /** Skipped versions already reported since the head last changed (one log line each). */
  private readonly skipReported = new Set<string>();
  private failures = 0;
  private lastError: string | undefined;
  private lastFailure: LoadError | undefined;
  private closed = false;
  private readonly readyPromise: Promise<Served<T>>;
  private resolveReady!: (s: Served<T>) => void;
  private rejectReady!: (err: Error) => void;
  private readonly settledPromise: Promise<void>;
  private resolveSettled!: () => void;

  constructor(private readonly options: WatchOptions<T> & { decode: Decoder<T> }) {
    super();
    this.ref = parseReference(options.ref);
    this.refText = formatReference(this.ref);
    this.model = this.ref.model;
    this.log = (options.logger ?? silentLogger).child({ ref: this.refText });
    this.interval = positive(options.pollIntervalMs ?? DEFAULTS.pollIntervalMs, 'pollIntervalMs');
    this.jitter = checkPollJitter(options.pollJitter ?? DEFAULTS.pollJitter);
    this.metrics = createLoaderMetrics(options.metrics);
    this.cache = options.cacheDir ? new BlobCache(options.cacheDir) : undefined;
    this.slot = new ServingSlot<T>({
      disposeGraceMs: options.disposeGraceMs ?? DEFAULTS.disposeGraceMs,
      onDisposeError: (err, s) =>
        this.log.warn({ err, version: s.version }, 'dispose() of a retired model failed'),
    });
    this.scheduler = new CheckScheduler(() => this.check());
    this.changes = new ChangeSourceRunner({
      model: this.model,
      mode: options.poll ?? DEFAULTS.poll,
      intervalMs: this.interval,
      minio: options.minio,
      log: this.log,
      wake: () => void this.scheduler.wake(),
    });
    this.staleness = new StalenessTracker({
      model: this.model,
      staleAfterMs: (options.staleAfterIntervals ?? DEFAULTS.staleAfterIntervals) * this.interval,
      log: this.log,
      onStale: (e) => this.emit('stale', e),
      onRecovered: (e) => this.emit('recovered', e),
    });
    this.readyPromise = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // ready() may never be awaited; an unhandled rejection at close() must not crash the process.
    this.readyPromise.catch(() => {});
    this.settledPromise = new Promise((resolve) => (this.resolveSettled = resolve));
  }

  /** How this watcher finds changes (decided on the first check). */
  get sources(): ChangeSources {
    return this.changes.sources;
  }

  /** Starts the first check; returns at once. */
  start(): this {
    const mode = checkPollMode(this.options.poll ?? DEFAULTS.poll);
    void this.scheduler.wake();
    if (mode !== 'never') this.staleness.start(this.interval);
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

  /**
   * Resolves when the first check is over: a model is served, or the check failed (see `failure()`).
   * Lets a caller answer at once instead of waiting for a model that is not coming.
   */
  settled(): Promise<void> {
    return this.settledPromise;
  }

  /** Why the last check did not serve what the reference resolves to; undefined after a clean check. */
  failure(): LoadError | undefined {
    return this.lastFailure;
  }

  /** Checks storage now instead of waiting for the next poll; resolves when that check is done. */
  checkNow(): Promise<void> {
    return this.scheduler.wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.staleness.stop();
    await this.scheduler.stop();
    await this.changes.stop();
    this.slot.close();
    this.rejectReady(new Error(`watcher of ${this.refText} closed before a model was loaded`));
    this.resolveSettled();
    if (this.ownsStore) await this.store?.close();
  }

  /** Emits `error` only when someone listens: an unheard EventEmitter error would kill the process. */
  private report(err: LoadError): void {
    this.lastFailure = err;
    const key = `${err.reason}:${err.version}:${err.message}`;
    if (key !== this.lastError) {
      const serving = this.slot.current();
      this.log.warn(
        { reason: err.reason, version: err.version, err: err.message, serving: serving?.version },
        serving ? 'model not loaded; the current one keeps serving' : 'model not loaded; nothing is served',
      );
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
    this.lastError = key;
    this.metrics.failed(this.model, err.reason);
  }

  /** One check; returns the delay before the next timed one. */
  private async check(): Promise<number | undefined> {
    try {
      return await this.checkOnce();
    } finally {
      this.resolveSettled();
    }
  }

  private async checkOnce(): Promise<number | undefined> {
    if (this.closed) return undefined;
    let target: Target | undefined;
    try {
      const store = await this.openStore();
      await this.changes.decide(store);
      this.metrics.storageRequest(this.model, 'poll');
      const res = await store.pollHead(this.model, this.etag);
      this.metrics.checked(this.model, Date.now());
      this.staleness.succeeded();
      if (res !== 'unchanged') {
        if (this.etag !== undefined) this.log.debug({ seq: res.head.seq }, 'head changed');
        this.etag = res.etag;
        this.head = res.head;
        this.bad.clear();
        this.skipReported.clear();
      }
      await this.changes.attachNative();
      target = chooseTarget(this.ref, this.head as Head);
      const current = this.slot.current();
      const known = this.bad.get(target.version);
      if (known) {
        // Refused before and the head has not moved: no new download, but a fresh boot still looks
        // for an older version that passes (one listing per check, only while nothing is served).
        if (!current && mayFallBack(target, false)) await this.fallBack(store, target, known);
        this.failures = 0;
        this.lastFailure = known;
        return this.nextDelay();
      }
      if (shouldMove(current, target)) await this.loadOrFallBack(store, target, current !== undefined);
      this.failures = 0;
      this.lastError = undefined;
      this.lastFailure = undefined;
      return this.nextDelay();
    } catch (err) {
      const failure =
        err instanceof LoadError
          ? err
          : new LoadError(this.model, target?.version, classifyFailure(err, 'check'), err);
      this.remember(failure);
      this.report(failure);
      if (failure.reason === 'unreachable' && !this.slot.current()) await this.offlineBoot();
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

  private remember(failure: LoadError): void {
    if (failure.version !== undefined && PERMANENT_REASONS.has(failure.reason))
      this.bad.set(failure.version, failure);
  }

  /** Loads `target`; when it is refused and nothing is served, serves an older version, then rethrows. */
  private async loadOrFallBack(store: Store, target: Target, serving: boolean): Promise<void> {
    try {
      await this.load(store, target);
    } catch (err) {
      const failure =
        err instanceof LoadError ? err : new LoadError(this.model, target.version, 'internal', err);
      if (!REFUSAL_REASONS.has(failure.reason) || !mayFallBack(target, serving)) throw failure;
      this.remember(failure);
      await this.fallBack(store, target, failure);
      throw failure;
    }
  }

  /** Serves the newest version below `target` that passes; each refused one is reported as skipped. */
  private async fallBack(store: Store, target: Target, refused: LoadError): Promise<void> {
    this.skipped(refused);
    for (const version of await olderVersions(store, this.model, target)) {
      if (this.closed || this.slot.current()) return;
      const known = this.bad.get(version);
      if (known) {
        this.skipped(known);
        continue;
      }
      try {
        await this.load(store, { version, via: 'latest' });
        this.log.warn(
          { version, newest: target.version },
          'serving an older version: the newer ones were refused (see "skipping version")',
        );
        return;
      } catch (err) {
        const failure = err instanceof LoadError ? err : new LoadError(this.model, version, 'internal', err);
        if (!REFUSAL_REASONS.has(failure.reason) && failure.reason !== 'not-found') throw failure;
        this.remember(failure);
        if (failure.reason !== 'not-found') this.skipped(failure);
      }
    }
  }

  private skipped(failure: LoadError): void {
    const key = `${failure.version}:${failure.reason}:${failure.message}`;
    if (this.skipReported.has(key)) return;
    this.skipReported.add(key);
    this.log.warn(
      { version: failure.version, reason: failure.reason, err: failure.message },
      'skipping version',
    );
    this.metrics.failed(this.model, failure.reason);
    this.emit('skipped', failure);
  }

  private nextDelay(): number | undefined {
    return this.sources.polling ? pollDelay({ intervalMs: this.interval, jitter: this.jitter }) : undefined;
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
    if (loaded.trustWarning && !this.closed)
      warnUntrusted(
        this.log,
        (e) => this.emit('warning', e),
        this.model,
        target.version,
        loaded.trustWarning,
      );
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
  private async offlineBoot(): Promise<void> {
    if (!this.options.cacheDir || !this.cache) return;
    const served = await bootFromCache(
      this.options.cacheDir,
      this.cache,
      this.refText,
      this.options.decode,
      this.log,
    );
    if (!served) return;
    if (this.closed || this.slot.current()) return disposeValue(served.value);
    this.publish(served, undefined);
  }
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
