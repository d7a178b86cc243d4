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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`${JSON.stringify(path)} is not JSON: ${(err as Error).message}`);
  }
  return parsePromResults(raw, JSON.stringify(path));
}
