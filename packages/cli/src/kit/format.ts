// Human-readable renderings used in tables. JSON output never goes through these: it keeps raw
// numbers and ISO timestamps so scripts do not have to parse "3 minutes ago".

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Decimal (SI) sizes, as `ls -h --si` and most storage consoles print them: 1234567 → "1.2 MB". */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  let unit = 0;
  let value = bytes;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  // One decimal below 10 ("1.2 MB"), none above ("120 MB"); a rounded 999.96 must not print "1000 kB".
  const text = value < 9.95 ? value.toFixed(1) : String(Math.round(value));
  if (text === '1000' && unit < SIZE_UNITS.length - 1) return `1.0 ${SIZE_UNITS[unit + 1]}`;
  return `${text} ${SIZE_UNITS[unit]}`;
}

const STEPS: [limitSeconds: number, unitSeconds: number, name: string][] = [
  [60, 1, 'second'],
  [3600, 60, 'minute'],
  [86_400, 3600, 'hour'],
  [30 * 86_400, 86_400, 'day'],
  [365 * 86_400, 30 * 86_400, 'month'],
  [Number.POSITIVE_INFINITY, 365 * 86_400, 'year'],
];

/** "just now", "3 minutes ago", "in 2 hours" (clock skew between hosts can put times in the future). */
export function relativeTime(iso: string | number | Date, now: number = Date.now()): string {
  const t = iso instanceof Date ? iso.getTime() : typeof iso === 'number' ? iso : Date.parse(iso);
  if (!Number.isFinite(t)) return '-';
  const seconds = Math.round((now - t) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 5) return 'just now';
  for (const [limit, unit, name] of STEPS) {
    if (abs < limit) {
      const n = Math.floor(abs / unit);
      const phrase = `${n} ${name}${n === 1 ? '' : 's'}`;
      return seconds >= 0 ? `${phrase} ago` : `in ${phrase}`;
    }
  }
  return '-';
}

/** A metric value for a table cell: numbers as given (already rounded by the trainer), others "-". */
export function formatMetric(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '-';
}

/** "sha256:abcdef…" → "abcdef123456": enough to tell versions apart in a table. */
export function shortDigest(digest: string, length = 12): string {
  return digest.replace(/^sha256:/, '').slice(0, length);
}
