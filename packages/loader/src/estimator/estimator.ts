// The estimator service: Kepler's sidecar protocol on a Unix socket, answered by models the loader
// keeps fresh from a modelshelf store. `startEstimator` is the whole service as a library call (the
// `modelshelf estimator` command and demo scripts use it); the returned handle tells which versions
// are served and closes everything cleanly.
import { cpus } from 'node:os';
import { KeplerInputError } from '@modelshelf/formats/serving';
import type { TrustPolicy } from '@modelshelf/registry';
import { Registry } from 'prom-client';
import { type Logger, silentLogger } from '../watch/logger.ts';
import { resolveStore, type StoreInput } from '../watch/open-store.ts';
import type { PollMode } from '../watch/options.ts';
import { createEstimatorMetrics, type MetricsEndpoint, serveMetrics } from './metrics.ts';
import { coreRatioFor, predictPowers } from './predict.ts';
import {
  encodeResponse,
  errorResponse,
  LIMITS,
  type PowerResponse,
  ProtocolError,
  parsePowerRequest,
} from './protocol.ts';
import {
  type BestModelRouting,
  type ExplicitRoute,
  ModelRoutes,
  type RouteEvents,
  type RouteLease,
  type RouteState,
} from './routes.ts';
import { SocketServer } from './socket-server.ts';

export interface EstimatorOptions {
  /** An opened Store or a URI (directory, file:///…, s3://bucket/prefix). */
  store: StoreInput;
  /** Where to listen. Kepler's default is /tmp/estimator.sock. */
  socketPath: string;
  /** Explicit models per (energy source, output type). */
  models?: ExplicitRoute[];
  /**
   * Kepler's best-model selection for pairs without an explicit model. Default: on when `models`
   * is empty, off otherwise; pass `false` to refuse unconfigured pairs.
   */
  best?: BestModelRouting | boolean;
  /** Prometheus endpoint; omitted = none. Port 0 picks a free port (see handle.metricsUrl). */
  metrics?: { port: number; host?: string };
  pollIntervalMs?: number;
  /** Jitter of steady polls, a fraction of the interval in [0, 1) (see WatchOptions). Default 0.2. */
  pollJitter?: number;
  poll?: PollMode;
  cacheDir?: string;
  trust?: TrustPolicy;
  logger?: Logger;
  /** Cores of this node, for `core_ratio` (Kepler's idle-power scaling). Default: os.cpus().length. */
  cores?: number;
  /** Default 4 MiB. */
  maxRequestBytes?: number;
  /** Time a client has to send its complete request. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** How long a request may wait for a route's FIRST model to load. Default 10 000 ms. */
  loadTimeoutMs?: number;
  /** Delay before a replaced model is disposed when no request holds it. Default 5000 ms. */
  disposeGraceMs?: number;
  /** How long close() lets connections in progress finish. Default 2000 ms. */
  shutdownGraceMs?: number;
}

export interface EstimatorHandle {
  readonly socketPath: string;
  /** http://host:port/metrics when a metrics endpoint was asked for. */
  readonly metricsUrl: string | undefined;
  /** What each route serves now. */
  served(): RouteState[];
  /** Called on every swap (and each route's first load); returns an unsubscribe function. */
  onUpdate(listener: (state: RouteState) => void): () => void;
  /** Resolves when every explicitly configured model is loaded. */
  ready(): Promise<void>;
  /** The shared prom-client registry (estimator and loader metrics). */
  readonly registry: Registry;
  /** Stops accepting, finishes requests in progress, removes the socket, closes watchers. Idempotent. */
  close(): Promise<void>;
}

export async function startEstimator(options: EstimatorOptions): Promise<EstimatorHandle> {
  const logger = options.logger ?? silentLogger;
  const registry = new Registry();
  const metrics = createEstimatorMetrics(registry);
  const { store, owned } = await resolveStore(options.store);
  const models = options.models ?? [];
  const bestOption = options.best ?? models.length === 0;
  const best = bestOption === false ? undefined : bestOption === true ? {} : bestOption;
  let routes: ModelRoutes;
  try {
    routes = new ModelRoutes(store, models, best, {
      pollIntervalMs: options.pollIntervalMs,
      pollJitter: options.pollJitter,
      poll: options.poll,
      cacheDir: options.cacheDir,
      trust: options.trust,
      logger,
      metrics: registry,
      estimatorMetrics: metrics,
      disposeGraceMs: options.disposeGraceMs,
    });
  } catch (err) {
    if (owned) await store.close();
    throw err;
  }
  routes.on('update', (s) => {
    metrics.served(s);
    logger.info(s, 'serving');
  });
  const cores = options.cores ?? cpus().length;
  const loadTimeoutMs = options.loadTimeoutMs ?? 10_000;

  const answer = async (text: string): Promise<string> => {
    const t0 = performance.now();
    metrics.inflight(1);
    let lease: RouteLease | undefined;
    let route = 'none';
    let response: PowerResponse;
    try {
      const request = parsePowerRequest(text);
      lease = await routes.lease(request, loadTimeoutMs);
      route = `${request.source}/${request.outputType}`;
      const { served } = lease;
      response = {
        powers: predictPowers(served.value, request),
        msg: '',
        core_ratio: coreRatioFor(served.value, cores),
        model: served.model,
        version: served.version,
        digest: served.digest,
      };
    } catch (err) {
      const known = err instanceof ProtocolError || err instanceof KeplerInputError;
      if (!known) logger.error({ err }, 'request failed');
      response = errorResponse(known ? (err as Error).message : `internal error: ${String(err)}`);
      if (lease) Object.assign(response, modelFields(lease));
    } finally {
      lease?.release();
      metrics.inflight(-1);
    }
    metrics.request(
      route,
      response.msg === '' ? 'ok' : 'error',
      (performance.now() - t0) / 1000,
      rowsOf(response),
    );
    return encodeResponse(response);
  };

  const server = new SocketServer({
    socketPath: options.socketPath,
    maxRequestBytes: options.maxRequestBytes ?? LIMITS.maxRequestBytes,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    answer,
    fail: (message) => encodeResponse(errorResponse(message)),
  });
  let endpoint: MetricsEndpoint | undefined;
  try {
    await server.listen();
    if (options.metrics) {
      const explicitCount = models.length;
      endpoint = await serveMetrics(
        registry,
        options.metrics.host ?? '127.0.0.1',
        options.metrics.port,
        () => routes.states().length >= explicitCount,
      );
    }
  } catch (err) {
    await server.close(0);
    await routes.close();
    if (owned) await store.close();
    throw err;
  }
  logger.info({ socket: options.socketPath, metrics: endpoint?.url }, 'estimator listening');

  let closing: Promise<void> | undefined;
  return {
    socketPath: options.socketPath,
    metricsUrl: endpoint?.url,
    registry,
    served: () => routes.states(),
    onUpdate(listener) {
      routes.on('update', listener);
      return () => routes.off('update', listener);
    },
    ready: () => routes.ready(),
    close() {
      closing ??= (async () => {
        await server.close(options.shutdownGraceMs ?? 2000);
        await endpoint?.close();
        await routes.close();
        if (owned) await store.close();
        logger.info('estimator stopped');
      })();
      return closing;
    },
  };
}

const modelFields = (lease: RouteLease): Partial<PowerResponse> => ({
  model: lease.served.model,
  version: lease.served.version,
  digest: lease.served.digest,
});

const rowsOf = (r: PowerResponse): number => Object.values(r.powers)[0]?.length ?? 0;

export type { BestModelRouting, ExplicitRoute, RouteEvents, RouteState };
