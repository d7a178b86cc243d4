// Source (a): Kepler's saved `query_range` results, e.g. kepler-model-server's prom_response.json.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '@modelshelf/registry';
import { z } from 'zod';
import type { PromResults } from './types.ts';

const sample = z.tuple([z.number(), z.string()]);
const series = z.object({ metric: z.record(z.string(), z.string()), values: z.array(sample) });
const results = z.record(z.string(), z.array(series));

/** Validates a parsed document as PromResults; `origin` names it in errors. */
export function parsePromResults(raw: unknown, origin: string): PromResults {
  const parsed = results.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidArgumentError(
      `${origin} is not a saved Prometheus query_range result: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      'expected {"<metric>": [{"metric": {labels}, "values": [[unix_seconds, "value"], ...]}]}, as kepler-model-server saves it',
    );
  }
  return parsed.data as PromResults;
}

export async function loadPromFile(path: string): Promise<PromResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(
      `cannot read training data ${JSON.stringify(path)}: ${(err as Error).message}`,
      'pass --data with the path of a saved query_range JSON or a feature CSV',
    );
  }
  if (looksBinary(text)) {
    // Never echo the bytes: they would land raw in the user's terminal.
    throw new InvalidArgumentError(`${JSON.stringify(path)} is a binary file, not training data`, DATA_HINT);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(
      `${JSON.stringify(path)} is neither a saved query_range JSON nor a CSV: ${whereJsonFails(text, err as Error)}`,
      DATA_HINT,
    );
  }
  return parsePromResults(raw, JSON.stringify(path));
}

const DATA_HINT =
  '--data reads a saved Prometheus query_range JSON, or a feature CSV when the name ends in .csv (timestamp, features, <component>_power columns)';

/** NUL bytes or undecodable UTF-8 (U+FFFD after decoding) in the first 4 KiB. */
function looksBinary(text: string): boolean {
  const head = text.slice(0, 4096);
  return head.includes('\u0000') || head.includes('\uFFFD');
}

/** What JSON.parse met, and how the file starts (quoted: control characters escaped, never raw). */
function whereJsonFails(text: string, err: Error): string {
  const token = /^Unexpected token '(.+?)'/.exec(err.message)?.[1];
  const what = token
    ? `unexpected ${JSON.stringify(token)}`
    : /end of JSON/i.test(err.message)
      ? 'it ends in the middle of a JSON document'
      : 'not valid JSON';
  const first = text.trimStart().split('\n')[0] ?? '';
  const shown = first.length > 40 ? `${first.slice(0, 40)}…` : first;
  return `${what}; it starts with ${JSON.stringify(shown)}`;
}
