// Which model answers a request: one route per (energy source, output type), after Kepler's sidecar,
// which keeps one loaded model per pair. A route is either configured explicitly with a reference
// (`rapl-sysfs/AbsPower=<model>[@version|@alias]`) or chosen with Kepler's best-model rule (lowest
// MAE among the models whose features the node can supply) on the first request for that pair, using
// the request's metrics as the available features unless the operator fixed them. Best-model routes
// are re-evaluated periodically: a newly better model replaces the old one once it is loaded.
//
// Each route holds a ModelWatcher, which follows new versions (and pins) of its model and swaps them
// in without blocking readers. Requests take a lease per call, so no swap disposes a model in use.
import { EventEmitter } from 'node:events';
import { InvalidArgumentError, type Store, type TrustPolicy } from '@modelshelf/registry';
import type { Registry } from 'prom-client';
import type { DefaultDecoded } from '../decode/default-decoder.ts';
import { selectBestModel } from '../policy/best-model.ts';
import type { Served } from '../swap/served.ts';
import type { Logger } from '../watch/logger.ts';
import type { ModelWatcher } from '../watch/model-watcher.ts';
import type { PollMode } from '../watch/options.ts';
import { watchModel } from '../watch/watch-model.ts';
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
  poll?: PollMode;
  cacheDir?: string;
  trust?: TrustPolicy;
  logger: Logger;
  metrics: Registry;
  disposeGraceMs?: number;
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

const NEGATIVE_CACHE_MS = 5000;
/** Best-model routes are keyed by the request's metric list; a bound keeps odd clients from piling up watchers. */
export const MAX_BEST_ROUTES = 16;

export class ModelRoutes extends EventEmitter<RouteEvents> {
  private readonly routes = new Map<string, Route>();
  private readonly pending = new Map<string, Promise<Route>>();
  private readonly failures = new Map<string, { at: number; error: Error }>();
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
   * model is loading; once a route serves, this never waits, whatever swaps are under way.
   */
  async lease(request: PowerRequest, timeoutMs: number): Promise<RouteLease> {
    const route = await this.routeFor(request, timeoutMs);
    const tracked = route.current;
    let lease = tracked.watcher.acquire();
    if (!lease) {
      await withTimeout(
        tracked.watcher.ready(),
        timeoutMs,
        () => `no model loaded yet for ${route.key} (still loading after ${timeoutMs} ms)`,
      );
      lease = tracked.watcher.acquire();
      if (!lease) throw new ProtocolError(`no model loaded for ${route.key}`);
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
    const features = this.best.availableFeatures ?? [...request.metrics].sort();
    const key = `${routeKey(request.source, request.outputType)} [${features.join(',')}]`;
    const existing = this.routes.get(key);
    if (existing) return existing;
    const failed = this.failures.get(key);
    if (failed && Date.now() - failed.at < NEGATIVE_CACHE_MS) throw failed.error;
    let creating = this.pending.get(key);
    if (!creating && this.routes.size - this.explicitCount + this.pending.size >= MAX_BEST_ROUTES) {
      throw new ProtocolError(
        `already following ${MAX_BEST_ROUTES} best-model choices (one per source, output type and metric list); ` +
          'send the same metrics on every request, or fix them with --features',
      );
    }
    if (!creating) {
      creating = this.createBestRoute(key, request.source, request.outputType, features).finally(() =>
        this.pending.delete(key),
      );
      creating.catch((error: Error) => this.failures.set(key, { at: Date.now(), error }));
      this.pending.set(key, creating);
    }
    return withTimeout(creating, timeoutMs, () => `selecting a model for ${key} took over ${timeoutMs} ms`);
  }

  private async createBestRoute(
    key: string,
    source: string,
    outputType: OutputType,
    features: string[],
  ): Promise<Route> {
    const model = await this.chooseBest(source, outputType, features);
    if (this.closed) throw new ProtocolError('estimator is shutting down');
    const route: Route = { key, current: this.watch(key, model) };
    this.routes.set(key, route);
    const every = this.best?.reselectIntervalMs ?? 300_000;
    route.timer = setInterval(() => void this.reselect(route, source, outputType, features), every);
    route.timer.unref();
    return route;
  }

  private async chooseBest(source: string, outputType: OutputType, features: string[]): Promise<string> {
    const best = await selectBestModel(this.store, {
      energySource: source,
      outputType,
      availableFeatures: features,
      nodeType: this.best?.nodeType,
      pipeline: this.best?.pipeline,
    });
    if (!best) {
      const where = `${this.best?.pipeline ? `${this.best.pipeline}/` : ''}${source}/${outputType}/`;
      throw new ProtocolError(
        `no model under ${where} can be used with the metrics ${features.join(', ') || '(none)'}` +
          (this.best?.nodeType !== undefined ? ` on node type ${this.best.nodeType}` : ''),
      );
    }
    this.settings.logger.info(
      { route: `${source}/${outputType}`, model: best.model, mae: best.mae },
      'best model',
    );
    return best.model;
  }

  /** Switches a best-model route to a newly better model, once that model has loaded. */
  private async reselect(route: Route, source: string, outputType: OutputType, features: string[]) {
    try {
      const model = await this.chooseBest(source, outputType, features);
      if (this.closed || model === route.current.watcher.ref.model) return;
      const next = this.watch(route.key, model);
      await next.watcher.ready();
      if (this.closed) return void (await next.watcher.close());
      const old = route.current;
      route.current = next;
      const served = next.watcher.current();
      if (served) this.emit('update', stateOf(route.key, served));
      const done = old.retire().finally(() => this.retiring.delete(done));
      this.retiring.add(done);
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
