// The HTTP client against a small in-process server that speaks the two API routes we use, to
// drive what a healthy Prometheus rarely does on demand (5xx, rejections, the 11,000-point cap).
// The same client against a real Prometheus: test/trainer-prometheus.test.ts.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fetchRange,
  PrometheusClient,
  PrometheusQueryError,
  PrometheusUnavailableError,
} from '../src/data/prometheus.ts';
import { splitRange } from '../src/data/windows.ts';

interface Served {
  url: string;
  requests: URL[];
  server: Server;
}
let served: Served | undefined;
async function stop(s: Served): Promise<void> {
  s.server.closeAllConnections();
  await new Promise((r) => s.server.close(r));
}
afterEach(async () => {
  if (served) await stop(served);
  served = undefined;
});

/** A counter that grows by 1 per second, served for any query; optional failures first. */
async function serve(
  options: { failFirst?: number; failStatus?: number; maxPoints?: number } = {},
): Promise<Served> {
  const requests: URL[] = [];
  let failures = options.failFirst ?? 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push(url);
    res.setHeader('content-type', 'application/json');
    if (failures > 0) {
      failures--;
      res.statusCode = options.failStatus ?? 503;
      return res.end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'overloaded' }));
    }
    if (url.pathname === '/api/v1/label/__name__/values') {
      return res.end(
        JSON.stringify({
          status: 'success',
          data: ['go_goroutines', 'kepler_node_info', 'kepler_container_cpu_cycles_total'],
        }),
      );
    }
    const query = url.searchParams.get('query')!;
    if (query.includes('{')) {
      res.statusCode = 400;
      return res.end(
        JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error: unexpected "{"' }),
      );
    }
    const [start, end, step] = ['start', 'end', 'step'].map((k) => Number(url.searchParams.get(k)));
    const points = Math.floor((end! - start!) / step!) + 1;
    if (points > (options.maxPoints ?? 11_000)) {
      res.statusCode = 400;
      return res.end(
        JSON.stringify({
          status: 'error',
          errorType: 'bad_data',
          error: 'exceeded maximum resolution of 11,000 points per timeseries',
        }),
      );
    }
    const values = Array.from({ length: points }, (_, i) => [start! + i * step!, String(start! + i * step!)]);
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: { __name__: query, instance: 'a' }, values }] },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  served = { url: `http://127.0.0.1:${port}`, requests, server };
  return served;
}

const noSleep = async () => {};

describe('splitRange', () => {
  it('cuts a range into windows of at most maxPoints steps on the same grid, without overlap', () => {
    expect(splitRange(0, 30, 3, 4)).toEqual([
      { start: 0, end: 9 },
      { start: 12, end: 21 },
      { start: 24, end: 30 },
    ]);
    expect(splitRange(0, 29_997, 3)).toEqual([{ start: 0, end: 29_997 }]);
    expect(splitRange(0, 30_000, 3)).toHaveLength(2);
  });
});

describe('PrometheusClient', () => {
  it('pages a long range into windows and merges them into one series per label set', async () => {
    const s = await serve({ maxPoints: 11_000 });
    const client = new PrometheusClient({ url: s.url, sleep: noSleep });
    // 25,001 points at 1 s: three windows of ≤ 10,000 points.
    const series = await client.queryRange('kepler_container_cpu_cycles_total', 0, 25_000, 1);
    expect(s.requests).toHaveLength(3);
    expect(series).toHaveLength(1);
    const ts = series[0]!.values.map(([t]) => t);
    expect(ts).toHaveLength(25_001);
    expect(ts.every((t, i) => t === i)).toBe(true);
  });

  it('discovers kepler_* metrics and returns the saved-file shape', async () => {
    const s = await serve();
    const results = await fetchRange(new PrometheusClient({ url: s.url, sleep: noSleep }), {
      start: 0,
      end: 6,
      step: 3,
    });
    expect(Object.keys(results)).toEqual(['kepler_container_cpu_cycles_total', 'kepler_node_info']);
    // Each metric is read as the last real sample of each step, never a value carried forward.
    expect(s.requests.slice(1).map((u) => u.searchParams.get('query'))).toEqual([
      'last_over_time(kepler_container_cpu_cycles_total[2999ms])',
      'last_over_time(kepler_node_info[2999ms])',
    ]);
    expect(results.kepler_node_info![0]!.metric.__name__).toBe('kepler_node_info');
    expect(results.kepler_node_info![0]!.values).toEqual([
      [0, '0'],
      [3, '3'],
      [6, '6'],
    ]);
  });

  it('retries 5xx with exponential back-off, then succeeds', async () => {
    const s = await serve({ failFirst: 2 });
    const delays: number[] = [];
    const client = new PrometheusClient({
      url: s.url,
      backoffMs: 10,
      sleep: async (ms) => void delays.push(ms),
    });
    const series = await client.queryRange('kepler_node_info', 0, 3, 3);
    expect(series[0]!.values).toHaveLength(2);
    expect(delays).toEqual([10, 20]);
  });

  it('gives up after the retries with an error naming the URL and the status', async () => {
    const s = await serve({ failFirst: 100 });
    const client = new PrometheusClient({ url: s.url, retries: 2, sleep: noSleep });
    const err = await client.queryRange('kepler_node_info', 0, 3, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusUnavailableError);
    expect((err as Error).message).toBe(
      `Prometheus at ${s.url} is unavailable: /api/v1/query_range answered HTTP 503: overloaded after 3 attempts`,
    );
    expect(s.requests).toHaveLength(3);
  });

  it('does not retry a rejected query and reports Prometheus’s own error text', async () => {
    const s = await serve();
    const client = new PrometheusClient({ url: s.url, sleep: noSleep });
    const err = await client.queryRange('kepler_node_info{', 0, 3, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusQueryError);
    expect((err as Error).message).toBe(
      'Prometheus rejected "kepler_node_info{": bad_data: parse error: unexpected "{"',
    );
    expect(s.requests).toHaveLength(1);
  });

  it('a dead endpoint: the error names the URL and hints at --prometheus', async () => {
    const s = await serve();
    const url = s.url;
    await stop(s);
    served = undefined;
    const client = new PrometheusClient({ url, retries: 1, sleep: noSleep });
    const err = (await client.metricNames().catch((e: unknown) => e)) as PrometheusUnavailableError;
    expect(err).toBeInstanceOf(PrometheusUnavailableError);
    expect(err.message).toBe(`Prometheus at ${url} is unavailable: ECONNREFUSED`);
    expect(err.hint).toMatch(/--prometheus/);
    expect(err.category).toBe('storage');
  });

  it('rejects a URL that is not http(s)', () => {
    expect(() => new PrometheusClient({ url: 'localhost:9090' })).toThrow(
      /must be http or https|invalid Prometheus URL/,
    );
  });
});
