// Parsers for option values. Each throws commander's InvalidArgumentError so that commander reports
// the option by name ("option '--grace <duration>' argument '7x' is invalid. …") with exit code 2.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@modelshelf/registry/errors';
import { InvalidArgumentError as OptionValueError } from 'commander';

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "30s", "10m", "1h", "7d", "2w", "1h30m", or a bare number of seconds → milliseconds. */
export function parseDuration(value: string): number {
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return checkedDuration(value, Number(text) * 1000);
  const part = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(part)) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  if (text === '' || consumed !== text.length) {
    throw new OptionValueError(
      `expected a duration such as 30s, 10m, 1h or 7d, got ${JSON.stringify(value)}`,
    );
  }
  return checkedDuration(value, total);
}

/** A poll jitter: a fraction in [0, 1), e.g. 0.2 for ±20 % of the poll interval. */
export function parseFraction(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1)
    throw new OptionValueError(`expected a fraction in [0, 1) such as 0.2, got ${JSON.stringify(value)}`);
  return n;
}

// "999…9" overflows to Infinity, which timers treat as 1 ms: a hot loop instead of "never".
function checkedDuration(value: string, ms: number): number {
  if (!(ms <= Number.MAX_SAFE_INTEGER))
    throw new OptionValueError(`duration ${JSON.stringify(value)} is too long`);
  return ms;
}

export function parsePositiveInt(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new OptionValueError(`expected a whole number of at least 1, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/** Accumulates a repeatable option: `--meta a=1 --meta b=2`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `key=value` pairs into an object. A value that parses as JSON keeps its type (`mae=12.3` is the
 * number 12.3, `tags=["a"]` an array); anything else is the literal string (`trainer=SGDRegressor`).
 */
export function parseMetaPairs(pairs: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new InvalidArgumentError(
        `invalid --meta ${JSON.stringify(pair)}: expected key=value`,
        'write e.g. --meta mae=12.3 --meta trainer=SGDRegressorTrainer',
      );
    }
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // not JSON: keep the text as given
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

/** A metadata file must hold one JSON object (the manifest's `metadata`). */
export function readMetadataFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(
      `cannot read --metadata file ${JSON.stringify(path)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      'pass a path to a JSON file holding one object',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(
      `--metadata file ${JSON.stringify(path)} is not JSON: ${(err as Error).message}`,
      'the file must hold one JSON object such as {"mae": 12.3}',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `--metadata file ${JSON.stringify(path)} holds ${Array.isArray(value) ? 'an array' : typeof value}, not an object`,
      'the file must hold one JSON object such as {"mae": 12.3}',
    );
  }
  return value as Record<string, unknown>;
}
