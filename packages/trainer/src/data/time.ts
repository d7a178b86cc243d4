// Times and durations as the CLI and Prometheus write them.
import { InvalidArgumentError } from '@modelshelf/registry';

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w|y))+$/;

/** Prometheus-style duration ("15s", "1h30m") or plain seconds ("15") → seconds. */
export function parseDuration(value: string, what = 'duration'): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return positive(Number(v), value, what);
  if (!DURATION.test(v)) {
    throw new InvalidArgumentError(
      `invalid ${what} ${JSON.stringify(value)}`,
      'write seconds ("30") or a Prometheus duration such as "15s", "5m", "1h30m"',
    );
  }
  let total = 0;
  for (const m of v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g))
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
  return positive(total, value, what);
}

function positive(n: number, value: string, what: string): number {
  if (!(n > 0)) throw new InvalidArgumentError(`${what} ${JSON.stringify(value)} must be greater than zero`);
  return n;
}

/**
 * A point in time → unix seconds: unix seconds ("1695361425"), RFC 3339 ("2023-09-22T05:43:45Z"),
 * "now", or "now-<duration>" (relative forms make a sliding window for --watch-interval).
 */
export function parseTime(value: string, now: number = Date.now() / 1000): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  if (v === 'now') return now;
  const rel = /^now-(.+)$/.exec(v);
  if (rel) return now - parseDuration(rel[1]!, 'relative time');
  const ms = Date.parse(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(ms)) return ms / 1000;
  throw new InvalidArgumentError(
    `invalid time ${JSON.stringify(value)}`,
    'write unix seconds, an RFC 3339 time such as 2023-09-22T05:43:45Z, "now" or "now-1h"',
  );
}
