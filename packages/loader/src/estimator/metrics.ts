// The estimator's Prometheus metrics (the loader's own metrics share the same registry) and the small
// HTTP endpoint that exposes them: /metrics for Prometheus, /healthz (alive) and /readyz (every
// configured route serves a model) for probes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ModelshelfError } from '@modelshelf/registry';
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';

export type Outcome = 'ok' | 'error';

export interface EstimatorMetrics {
  request(route: string, outcome: Outcome, seconds: number, rows: number): void;
  inflight(delta: number): void;
  /** A model chosen for a route could not be served (decode, integrity, trust, …); the next one is tried. */
  modelRefused(route: string, model: string, reason: string): void;
  /** A route now serves this version (first load, swap, or a best-model switch). */
  served(state: ServedLabels): void;
}

export interface ServedLabels {
  route: string;
  model: string;
  version: number;
  digest: string;
}

export function createEstimatorMetrics(registry: Registry): EstimatorMetrics {
  const registers = [registry];
  // The standard process_* and nodejs_* series, unprefixed so common dashboards and alerts apply.
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'modelshelf_estimator_requests_total',
    help: 'Power-estimation requests answered, by route (source/output type) and outcome.',
    labelNames: ['route', 'outcome'],
    registers,
  });
  const duration = new Histogram({
    name: 'modelshelf_estimator_request_duration_seconds',
    help: 'Time from a complete request to its response being written.',
    labelNames: ['outcome'],
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1],
    registers,
  });
  const rows = new Counter({
    name: 'modelshelf_estimator_rows_total',
    help: 'Rows (workloads or nodes) estimated.',
    registers,
  });
  const inflight = new Gauge({
    name: 'modelshelf_estimator_inflight_requests',
    help: 'Requests being answered now.',
    registers,
  });
  const refused = new Counter({
    name: 'modelshelf_estimator_model_refusals_total',
    help: 'Models chosen for a route (best-model choice) that could not be served, by model and reason; the next candidate is tried.',
    labelNames: ['route', 'model', 'reason'],
    registers,
  });
  // An info-style gauge: 1 for the (route, model, version, digest) each route serves now, and no
  // series for what it served before, so `count by (model, version)` is the rollout across nodes.
  const servedInfo = new Gauge({
    name: 'modelshelf_estimator_served_model_info',
    help: 'The model version each route serves now (always 1; the labels carry the information).',
    labelNames: ['route', 'model', 'version', 'digest'],
    registers,
  });
  const servedNow = new Map<string, Record<'route' | 'model' | 'version' | 'digest', string>>();
  return {
    modelRefused: (route, model, reason) => refused.inc({ route, model, reason }),
    served({ route, model, version, digest }) {
      const labels = { route, model, version: String(version), digest };
      const before = servedNow.get(route);
      if (before) servedInfo.remove(before);
      servedInfo.set(labels, 1);
      servedNow.set(route, labels);
    },
    request(route, outcome, seconds, n) {
      requests.inc({ route, outcome });
      duration.observe({ outcome }, seconds);
      if (outcome === 'ok') rows.inc(n);
    },
    inflight: (delta) => inflight.inc(delta),
  };
}

/** The metrics endpoint could not bind its address: a usage error (pick another port), not a bug. */
export class MetricsListenError extends ModelshelfError {
  override name = 'MetricsListenError';
  constructor(
    readonly host: string,
    readonly port: number,
    why: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot serve metrics on ${host}:${port}: ${why}`, 'usage', 'METRICS_PORT', hint, options);
  }
}

function metricsListenFailure(host: string, port: number, err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code;
  const choose = 'pass --metrics-port 0 to let the system choose a free port, or --no-metrics';
  if (code === 'EADDRINUSE')
    return new MetricsListenError(
      host,
      port,
      'the port is already in use (another estimator on this node?)',
      `another process listens there: ${choose}`,
      {
        cause: err,
      },
    );
  if (code === 'EACCES' || code === 'EPERM')
    return new MetricsListenError(
      host,
      port,
      'permission denied',
      `ports below 1024 need privileges: ${choose}`,
      {
        cause: err,
      },
    );
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new MetricsListenError(
      host,
      port,
      'no such local address',
      'pass a --metrics-host of this machine, e.g. 127.0.0.1 or 0.0.0.0',
      { cause: err },
    );
  return err;
}

export interface MetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

export async function serveMetrics(
  registry: Registry,
  host: string,
  port: number,
  isReady: () => boolean,
): Promise<MetricsEndpoint> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      const ready = isReady();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : 'loading\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(metricsListenFailure(host, port, err)));
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
