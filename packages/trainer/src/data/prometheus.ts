// Source (b): a live Prometheus, read through its HTTP API (`/api/v1/query_range`,
// `/api/v1/label/__name__/values`). The result is merged into the same PromResults shape as a
// saved file, so extraction cannot tell the two apart.
import { InvalidArgumentError, ModelshelfError } from '@modelshelf/registry';
import type { PromResults, PromSeries } from './types.ts';
import { DEFAULT_MAX_POINTS, splitRange } from './windows.ts';

export interface PrometheusOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 (a trailing slash or path prefix is kept). */
  url: string;
  /** Attempts after the first one for 5xx, 429 and network errors. Default 4. */
  retries?: number;
  /** First back-off delay; doubles on each retry. Default 250 ms. */
  backoffMs?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
  /** Points per series per request. Default 10,000 (Prometheus caps it at 11,000). */
  maxPointsPerQuery?: number;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export interface RangeRequest {
  /** Unix seconds. */
  start: number;
  end: number;
  /** Seconds between points. */
  step: number;
  /** Metric names to read; default: every `kepler_*` metric Prometheus knows. */
  metrics?: readonly string[];
}

/** Prometheus could not be reached, or it failed a request (category `storage` → exit code 6). */
export class PrometheusUnavailableError extends ModelshelfError {
  override name = 'PrometheusUnavailableError';
  constructor(url: string, reason: string, cause?: unknown) {
    super(
      `Prometheus at ${url} is unavailable: ${reason}`,
      'storage',
      'PROMETHEUS_UNAVAILABLE',
      'check that --prometheus points at a running Prometheus (e.g. http://127.0.0.1:9090) and that it answers /-/ready',
      { cause },
    );
  }
}

/** Prometheus rejected a query (400/422): its own error text is the message. */
export class PrometheusQueryError extends ModelshelfError {
  override name = 'PrometheusQueryError';
  constructor(query: string, errorType: string, error: string) {
    super(
      `Prometheus rejected ${JSON.stringify(query)}: ${errorType}: ${error}`,
      'usage',
      'PROMETHEUS_QUERY',
      'check the metric names, --start, --end and --step',
    );
  }
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

const RETRYABLE_STATUS = (status: number) => status >= 500 || status === 429;

export class PrometheusClient {
  private readonly base: string;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  private readonly maxPoints: number;
  private readonly doFetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: PrometheusOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new InvalidArgumentError(
        `invalid Prometheus URL ${JSON.stringify(options.url)}`,
        'write it like http://127.0.0.1:9090',
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidArgumentError(`Prometheus URL ${JSON.stringify(options.url)} must be http or https`);
    }
    this.base = url.href.replace(/\/+$/, '');
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 250;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxPoints = options.maxPointsPerQuery ?? DEFAULT_MAX_POINTS;
    this.doFetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  get url(): string {
    return this.base;
  }

  /** Every metric name Prometheus knows that starts with `prefix`, sorted. */
  async metricNames(prefix = 'kepler_'): Promise<string[]> {
    const names = await this.call<string[]>(
      '/api/v1/label/__name__/values',
      new URLSearchParams(),
      'metric names',
    );
    return names.filter((n) => n.startsWith(prefix)).sort();
  }

  /** One query over [start, end], split into windows of at most maxPointsPerQuery steps and merged. */
  async queryRange(query: string, start: number, end: number, step: number): Promise<PromSeries[]> {
    if (!(end >= start)) {
      throw new InvalidArgumentError(
        `the range ends (${end}) before it starts (${start})`,
        'swap --start and --end',
      );
    }
    const merged = new Map<string, PromSeries>();
    for (const w of splitRange(start, end, step, this.maxPoints)) {
      const params = new URLSearchParams({
        query,
        start: String(w.start),
        end: String(w.end),
        step: String(step),
      });
      const data = await this.call<{
        resultType: string;
        result: { metric: Record<string, string>; values: [number, string][] }[];
      }>('/api/v1/query_range', params, query);
      for (const s of data.result) {
        const key = seriesKey(s.metric);
        const into = merged.get(key);
        if (into) into.values.push(...s.values);
        else merged.set(key, { metric: s.metric, values: [...s.values] });
      }
    }
    return [...merged.values()];
  }

  private async call<T>(path: string, params: URLSearchParams, what: string): Promise<T> {
    const url = `${this.base}${path}`;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      let res: Response;
      try {
        res = await this.doFetch(`${url}?${params}`, { signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (err) {
        if (last) throw new PrometheusUnavailableError(this.base, describeNetworkError(err), err);
        await this.sleep(this.backoffMs * 2 ** attempt);
        continue;
      }
      if (RETRYABLE_STATUS(res.status) && !last) {
        await res.body?.cancel();
        await this.sleep(this.backoffMs * 2 ** attempt);
        continue;
      }
      const body = await readJson<ApiResponse<T>>(res);
      if (res.ok && body?.status === 'success' && body.data !== undefined) return body.data;
      if (body?.status === 'error' && (res.status === 400 || res.status === 422)) {
        throw new PrometheusQueryError(what, body.errorType ?? 'error', body.error ?? 'no message');
      }
      const detail = body?.error ? `: ${body.error}` : '';
      throw new PrometheusUnavailableError(
        this.base,
        `${path} answered HTTP ${res.status}${detail}${last && RETRYABLE_STATUS(res.status) ? ` after ${attempt + 1} attempts` : ''}`,
      );
    }
  }
}

async function readJson<T>(res: Response): Promise<T | undefined> {
  try {
    return (await res.json()) as T;
  } catch {
    return undefined;
  }
}

function describeNetworkError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'the request timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/** Canonical identity of a series: its labels in key order. */
export function seriesKey(metric: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(metric)
      .sort()
      .map((k) => [k, metric[k]]),
  );
}

/**
 * Reads every requested metric over the range into Kepler's saved-results shape. Metrics that
 * return no series are left out (as in a saved file), so pipeline activation reports them missing.
 */
export async function fetchRange(client: PrometheusClient, request: RangeRequest): Promise<PromResults> {
  const metrics = request.metrics ?? (await client.metricNames('kepler_'));
  if (metrics.length === 0) {
    throw new InvalidArgumentError(
      `Prometheus at ${client.url} knows no kepler_* metric`,
      'is Kepler scraped by this Prometheus? pass the metric names explicitly if they are prefixed differently',
    );
  }
  const out: PromResults = {};
  for (const name of [...metrics].sort()) {
    const series = await client.queryRange(
      lastSampleInStep(name, request.step),
      request.start,
      request.end,
      request.step,
    );
    // Functions drop the metric name; put it back so the series look like a plain selector's.
    for (const s of series) s.metric = { ...s.metric, __name__: name };
    if (series.length > 0) out[name] = series;
  }
  return out;
}

/**
 * `last_over_time(<metric>[<step>])`: at each point, the newest real sample of the last step, or
 * nothing. A plain selector would instead carry a value forward for up to 5 minutes (Prometheus's
 * lookback) wherever a series has no staleness marker — backfilled data never has one — and a
 * carried value turns into a zero rate followed by a spike. Kepler's extractor differences real
 * samples; so do we, whether the data comes from a file or from here.
 */
export function lastSampleInStep(metric: string, step: number): string {
  // Prometheus 2.x range selectors include their left edge ([t − r, t]); one millisecond less than
  // the step keeps the previous point's sample out, so a one-step gap stays a gap.
  return `last_over_time(${metric}[${Math.max(1, Math.round(step * 1000) - 1)}ms])`;
}
