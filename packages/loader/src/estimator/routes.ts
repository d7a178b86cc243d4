// Which model answers a request: one route per (energy source, output type), after Kepler's sidecar,
// which keeps one loaded model per pair. A route is either configured explicitly with a reference
// (`rapl-sysfs/AbsPower=<model>[@version|@alias]`) or chosen with Kepler's best-model rule (lowest
// MAE among the models whose features the node can supply, narrowed by the request's trainer_name
// and filter) on the first request for that pair, using the request's metrics as the available
// features unless the operator fixed them. Only models this estimator can decode compete; when the
// best one still fails to load (decode, integrity, trust), the next is tried, and each refusal is
// logged and counted (modelshelf_estimator_model_refusals_total). When nothing can be served the
// request is answered at once with every model tried and why it failed. Best-model routes are
// re-evaluated periodically: a newly better model replaces the old one once it is loaded.
//
// Each route holds a ModelWatcher, which follows new versions (and pins) of its model and swaps them
// in without blocking readers. Requests take a lease per call, so no swap disposes a model in use.
import { EventEmitter } from 'node:events';
import { InvalidArgumentError, type Store, type TrustPolicy } from '@modelshelf/registry';
import type { Registry } from 'prom-client';
import type { DefaultDecoded } from '../decode/default-decoder.ts';
import { type BestModel, rankModels } from '../policy/best-model.ts';
import type { MetadataCondition } from '../policy/metadata-filter.ts';
import type { Served } from '../swap/served.ts';
import type { Logger } from '../watch/logger.ts';
import type { ModelWatcher } from '../watch/model-watcher.ts';
import type { PollMode } from '../watch/options.ts';
import { watchModel } from '../watch/watch-model.ts';
import type { EstimatorMetrics } from './metrics.ts';
import { normaliseEnergySource, type OutputType, type PowerRequest, ProtocolError } from './protocol.ts';

export interface ExplicitRoute {
  source: string;
  outputType: OutputType;
  /** `model`, `model@<version>` or `model@<alias>`. */
  ref: string;
}

export interface BestModelRouting {
  /** Features the node can supply; default: the metrics named by each request. */
  availableFeatures?: string[];
  /** Kepler's node type index; models of another node type are skipped. */
  nodeType?: number;
  /** Leading path segment of the models, e.g. "ec2-0.7.11". */
  pipeline?: string;
  /** How often the choice is re-evaluated. Default 300 000 ms. */
  reselectIntervalMs?: number;
}

export interface WatchSettings {
  pollIntervalMs?: number;
  pollJitter?: number;
  poll?: PollMode;
  cacheDir?: string;
  trust?: TrustPolicy;
  logger: Logger;
  metrics: Registry;
  /** Where refused best-model candidates are counted. */
  estimatorMetrics?: Pick<EstimatorMetrics, 'modelRefused'>;
  disposeGraceMs?: number;
}

/** What a best-model route is chosen by: the request's pair, metrics, trainer_name and filter. */
interface Choice {
  source: string;
  outputType: OutputType;
  features: string[];
  trainerName?: string;
  conditions: readonly MetadataCondition[];
}

/** What one route serves now. */
export interface RouteState {
  route: string;
  model: string;
  version: number;
  digest: string;
  via: Served<unknown>['via'];
}

export interface RouteEvents {
  update: [RouteState];
}

export interface RouteLease {
  served: Served<DefaultDecoded>;
  release(): void;
}

/** A watcher plus the requests currently using it, so a replaced watcher closes only when idle. */
class Tracked {
  inflight = 0;
  private idle: (() => void) | undefined;
  constructor(readonly watcher: ModelWatcher<DefaultDecoded>) {}
  enter(): void {
    this.inflight++;
  }
  leave(): void {
    this.inflight--;
    if (this.inflight === 0) this.idle?.();
  }
  async retire(): Promise<void> {
    if (this.inflight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await this.watcher.close();
  }
}

interface Route {
  key: string;
  current: Tracked;
  timer?: NodeJS.Timeout;
}

/**
 * A best-model choice that found nothing servable is not tried again for a while: 5 s after the first
 * failure, doubling with each failure after that up to 60 s (or the reselection interval, if shorter),
 * so an estimator on a store with nothing it can serve does not re-read every candidate every few
 * seconds for ever. Requests in between are answered at once with the last failure.
 */
const NEGATIVE_CACHE_MS = 5000;
const NEGATIVE_CACHE_MAX_MS = 60_000;
/** Best-model routes are keyed by the request's metric list; a bound keeps odd clients from piling up watchers. */
export const MAX_BEST_ROUTES = 16;

export class ModelRoutes extends EventEmitter<RouteEvents> {
  private readonly routes = new Map<string, Route>();
  private readonly pending = new Map<string, Promise<Route>>();
  private readonly failures = new Map<string, { at: number; error: Error; holdMs: number }>();
  private readonly retiring = new Set<Promise<void>>();
  private closed = false;
  private readonly explicitCount: number;

  constructor(
    private readonly store: Store,
    explicit: readonly ExplicitRoute[],
    private readonly best: BestModelRouting | undefined,
    private readonly settings: WatchSettings,
  ) {
    super();
    this.explicitCount = explicit.length;
    for (const e of explicit) {
      const key = routeKey(normaliseEnergySource(e.source), e.outputType);
      if (this.routes.has(key))
        throw new InvalidArgumentError(
          `two models configured for ${key}`,
          'give one --model per source/output type',
        );
      this.routes.set(key, { key, current: this.watch(key, e.ref) });
    }
  }

  /** Resolves when every explicitly configured route serves a model. */
  async ready(): Promise<void> {
    await Promise.all([...this.routes.values()].map((r) => r.current.watcher.ready()));
  }

  /** What each route serves now (routes still loading are left out). */
  states(): RouteState[] {
    const out: RouteState[] = [];
    for (const r of this.routes.values()) {
      const s = r.current.watcher.current();
      if (s) out.push(stateOf(r.key, s));
    }
    return out;
  }

  /**
   * A lease on the model for this request. Waits (at most `timeoutMs`) only while a route's first
   * check is under way; once that check is over, this never waits: it serves, or answers at once
   * with why nothing is served.
   */
  async lease(request: PowerRequest, timeoutMs: number): Promise<RouteLease> {
    const route = await this.routeFor(request, timeoutMs);
    const tracked = route.current;
    let lease = tracked.watcher.acquire();
    if (!lease) {
      await withTimeout(
        tracked.watcher.settled(),
        timeoutMs,
        () => `no model loaded yet for ${route.key} (still loading after ${timeoutMs} ms)`,
      );
      lease = tracked.watcher.acquire();
      if (!lease) {
        const failure = tracked.watcher.failure();
        throw new ProtocolError(
          `no model served for ${route.key}: ${failure ? `${failure.message} (${failure.hint})` : 'nothing loaded'}`,
        );
      }
    }
    tracked.enter();
    const taken = lease;
    let released = false;
    return {
      served: taken.served,
      release() {
        if (released) return;
        released = true;
        taken.release();
        tracked.leave();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.pending.values());
    for (const r of this.routes.values()) if (r.timer) clearInterval(r.timer);
    await Promise.all([...this.routes.values()].map((r) => r.current.retire()));
    await Promise.all(this.retiring);
    this.routes.clear();
  }

  private async routeFor(request: PowerRequest, timeoutMs: number): Promise<Route> {
    const direct = this.routes.get(routeKey(request.source, request.outputType));
    if (direct) return direct;
    if (!this.best) {
      const known = [...this.routes.keys()].join(', ') || 'none';
      throw new ProtocolError(
        `no model configured for ${routeKey(request.source, request.outputType)} (configured: ${known}); add --model ${request.source}/${request.outputType}=<ref> or enable best-model selection`,
      );
    }
    const choice: Choice = {
      source: request.source,
      outputType: request.outputType,
      features: this.best.availableFeatures ?? [...request.metrics].sort(),
      trainerName: request.trainerName,
      conditions: request.conditions,
    };
    const key =
      `${routeKey(request.source, request.outputType)} [${choice.features.join(',')}]` +
      (request.trainerName ? ` trainer_name=${request.trainerName}` : '') +
      (request.filter ? ` filter=${request.filter}` : '');
    const existing = this.routes.get(key);
    if (existing) return existing;
    const failed = this.failures.get(key);
    if (failed && Date.now() - failed.at < failed.holdMs) throw failed.error;
    let creating = this.pending.get(key);
    if (!creating && this.routes.size - this.explicitCount + this.pending.size >= MAX_BEST_ROUTES) {
      throw new ProtocolError(
        `already following ${MAX_BEST_ROUTES} best-model choices (one per source, output type and metric list); ` +
          'send the same metrics on every request, or fix them with --features',
      );
    }
    if (!creating) {
      creating = this.createBestRoute(key, choice).finally(() => this.pending.delete(key));
      creating.then(
        () => this.failures.delete(key),
        (error: Error) => this.failures.set(key, { at: Date.now(), error, holdMs: this.nextHold(failed) }),
      );
      this.pending.set(key, creating);
    }
    return withTimeout(creating, timeoutMs, () => `selecting a model for ${key} took over ${timeoutMs} ms`);
  }

  private nextHold(previous: { holdMs: number } | undefined): number {
    const cap = Math.min(NEGATIVE_CACHE_MAX_MS, this.best?.reselectIntervalMs ?? NEGATIVE_CACHE_MAX_MS);
    return previous ? Math.min(previous.holdMs * 2, Math.max(cap, NEGATIVE_CACHE_MS)) : NEGATIVE_CACHE_MS;
  }

  private async createBestRoute(key: string, choice: Choice): Promise<Route> {
    const ranked = await this.rank(choice);
    const tried: string[] = [];
    for (const best of ranked) {
      if (this.closed) throw new ProtocolError('estimator is shutting down');
      const tracked = await this.tryCandidate(key, best, tried);
      if (!tracked) continue;
      if (this.closed) {
        await tracked.watcher.close();
        throw new ProtocolError('estimator is shutting down');
      }
      const route: Route = { key, current: tracked };
      this.routes.set(key, route);
      const served = tracked.watcher.current();
      if (served) this.emit('update', stateOf(key, served));
      const every = this.best?.reselectIntervalMs ?? 300_000;
      route.timer = setInterval(() => void this.reselect(route, choice), every);
      route.timer.unref();
      return route;
    }
    throw new ProtocolError(
      `no model can be served for ${key}: tried ${tried.length} (best first): ${tried.join('; ')}`,
    );
  }

  /** Every model the rule allows for `choice`, best first; a ProtocolError saying why when there is none. */
  private async rank(choice: Choice): Promise<BestModel[]> {
    const ranked = await rankModels(this.store, {
      energySource: choice.source,
      outputType: choice.outputType,
      availableFeatures: choice.features,
      nodeType: this.best?.nodeType,
      pipeline: this.best?.pipeline,
      trainerName: choice.trainerName,
      conditions: choice.conditions,
    });
    if (ranked.length === 0) {
      const where = `${this.best?.pipeline ? `${this.best.pipeline}/` : ''}${choice.source}/${choice.outputType}/`;
      throw new ProtocolError(
        `no model under ${where} can be used with the metrics ${choice.features.join(', ') || '(none)'}` +
          (this.best?.nodeType !== undefined ? ` on node type ${this.best.nodeType}` : '') +
          (choice.trainerName ? ` and trainer_name ${choice.trainerName}` : '') +
          (choice.conditions.length > 0 ? ' that meets the filter' : ''),
      );
    }
    return ranked;
  }

  /**
   * Watches `best` until its first check is over: the watcher when it serves, else undefined after
   * closing it, logging and counting why, and adding that to `tried`.
   */
  private async tryCandidate(key: string, best: BestModel, tried: string[]): Promise<Tracked | undefined> {
    const tracked = this.watch(key, best.model);
    await tracked.watcher.settled();
    const served = tracked.watcher.current();
    if (served) {
      this.settings.logger.info(
        { route: key, model: best.model, version: served.version, mae: best.mae, passedOver: tried.length },
        'best model',
      );
      return tracked;
    }
    const failure = tracked.watcher.failure();
    const reason = failure?.reason ?? 'internal';
    const why = failure?.message ?? 'closed before a model was loaded';
    tried.push(`${best.model} (mae ${best.mae}): ${why}`);
    this.settings.estimatorMetrics?.modelRefused(key, best.model, reason);
    this.settings.logger.warn(
      { route: key, model: best.model, mae: best.mae, reason, err: why },
      'best model cannot be served; trying the next one',
    );
    await tracked.watcher.close();
    return undefined;
  }

  /** Switches a best-model route to a newly better model, once that model has loaded. */
  private async reselect(route: Route, choice: Choice) {
    try {
      const tried: string[] = [];
      for (const best of await this.rank(choice)) {
        if (this.closed || best.model === route.current.watcher.ref.model) return;
        const next = await this.tryCandidate(route.key, best, tried);
        if (!next) continue;
        if (this.closed) return void (await next.watcher.close());
        const old = route.current;
        route.current = next;
        const served = next.watcher.current();
        if (served) this.emit('update', stateOf(route.key, served));
        const done = old.retire().finally(() => this.retiring.delete(done));
        this.retiring.add(done);
        return;
      }
    } catch (err) {
      this.settings.logger.warn({ route: route.key, err: String(err) }, 'best-model reselection failed');
    }
  }

  private watch(key: string, ref: string): Tracked {
    const s = this.settings;
    const watcher = watchModel<DefaultDecoded>({
      store: this.store,
      ref,
      pollIntervalMs: s.pollIntervalMs,
      pollJitter: s.pollJitter,
      poll: s.poll,
      cacheDir: s.cacheDir,
      trust: s.trust,
      logger: s.logger,
      metrics: s.metrics,
      disposeGraceMs: s.disposeGraceMs,
    });
    const tracked = new Tracked(watcher);
    watcher.on('update', () => {
      const served = watcher.current();
      // A replaced watcher may still report a late load: only the route's current one speaks.
      if (served && this.routes.get(key)?.current === tracked) this.emit('update', stateOf(key, served));
    });
    // Failures are logged by the watcher itself; listening keeps EventEmitter from throwing them.
    watcher.on('error', () => {});
    return tracked;
  }
}

const routeKey = (source: string, outputType: string) => `${source}/${outputType}`;

const stateOf = (route: string, s: Served<unknown>): RouteState => ({
  route,
  model: s.model,
  version: s.version,
  digest: s.digest,
  via: s.via,
});

async function withTimeout<T>(p: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProtocolError(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
