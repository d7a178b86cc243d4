/**
 * Converts Kepler's saved Prometheus `query_range` results into OpenMetrics text
 * that `promtool tsdb create-blocks-from openmetrics` turns into TSDB blocks, so a
 * real Prometheus can serve the fixture data offline.
 *
 * Input files look like `{"<metric>": [{"metric": {labels}, "values": [[ts, "value"], ...]}]}`.
 * Several inputs are merged: series of one metric become one metric family (OpenMetrics
 * allows each family once), and a sample that two inputs give different values for is
 * an error rather than a silent overwrite.
 *
 * Usage: tsx scripts/prom-fixture-to-openmetrics.ts <out.om.txt> <fixture.json>...
 * Prints a JSON summary (time window of each input, in unix seconds) to stdout.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

class FixtureFormatError extends Error {
  override name = 'FixtureFormatError';
}

interface Series {
  labels: Record<string, string>;
  /** timestamp (unix seconds) → value as Prometheus wrote it ("1735", "NaN", "+Inf") */
  samples: Map<number, string>;
}

interface InputSummary {
  file: string;
  start: number;
  end: number;
  series: number;
  samples: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL_VALUES = new Set(['NaN', '+Inf', '-Inf']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseValue(raw: unknown, where: string): string {
  if (typeof raw !== 'string' || !(FLOAT.test(raw) || SPECIAL_VALUES.has(raw))) {
    throw new FixtureFormatError(
      `${where}: sample value ${JSON.stringify(raw)} is not a number string; ` +
        'query_range results store values as strings like "12.5", "NaN" or "+Inf"',
    );
  }
  return raw;
}

function parseLabels(
  raw: unknown,
  key: string,
  where: string,
): { name: string; labels: Record<string, string> } {
  if (!isRecord(raw)) throw new FixtureFormatError(`${where}: "metric" must be an object of labels`);
  const name = raw.__name__ ?? key;
  if (typeof name !== 'string' || name !== key) {
    throw new FixtureFormatError(
      `${where}: __name__ ${JSON.stringify(name)} differs from its key ${JSON.stringify(key)}; ` +
        'each key must hold the series of that one metric',
    );
  }
  if (!METRIC_NAME.test(name))
    throw new FixtureFormatError(`${where}: invalid metric name ${JSON.stringify(name)}`);
  const labels: Record<string, string> = {};
  for (const [label, value] of Object.entries(raw)) {
    if (label === '__name__') continue;
    if (!LABEL_NAME.test(label))
      throw new FixtureFormatError(`${where}: invalid label name ${JSON.stringify(label)}`);
    if (typeof value !== 'string') {
      throw new FixtureFormatError(`${where}: label ${label} has non-string value ${JSON.stringify(value)}`);
    }
    labels[label] = value;
  }
  return { name, labels };
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Adds one fixture file's series into `metrics` (metric name → series key → series). */
function mergeFixture(file: string, json: unknown, metrics: Map<string, Map<string, Series>>): InputSummary {
  if (!isRecord(json))
    throw new FixtureFormatError(`${file}: expected an object of metric name → series list`);
  const summary: InputSummary = { file, start: Infinity, end: -Infinity, series: 0, samples: 0 };
  for (const [key, seriesList] of Object.entries(json)) {
    if (!Array.isArray(seriesList)) throw new FixtureFormatError(`${file}: ${key} must be a list of series`);
    seriesList.forEach((entry: unknown, index) => {
      const where = `${file}: ${key}[${index}]`;
      if (!isRecord(entry) || !Array.isArray(entry.values)) {
        throw new FixtureFormatError(`${where}: expected {"metric": {...}, "values": [[ts, "value"], ...]}`);
      }
      const { name, labels } = parseLabels(entry.metric, key, where);
      const family = metrics.get(name) ?? new Map<string, Series>();
      metrics.set(name, family);
      const id = seriesKey(labels);
      const series = family.get(id) ?? { labels, samples: new Map() };
      family.set(id, series);
      summary.series++;
      for (const pair of entry.values as unknown[]) {
        if (
          !Array.isArray(pair) ||
          pair.length !== 2 ||
          typeof pair[0] !== 'number' ||
          !Number.isFinite(pair[0])
        ) {
          throw new FixtureFormatError(
            `${where}: sample ${JSON.stringify(pair)} is not [unix_seconds, "value"]`,
          );
        }
        const ts: number = pair[0];
        const value = parseValue(pair[1], where);
        const previous = series.samples.get(ts);
        if (previous !== undefined && previous !== value) {
          throw new FixtureFormatError(
            `${where}: sample at ${ts} is ${value} but an earlier input gave ${previous}; ` +
              'load colliding fixtures into separate Prometheus instances',
          );
        }
        series.samples.set(ts, value);
        summary.samples++;
        summary.start = Math.min(summary.start, ts);
        summary.end = Math.max(summary.end, ts);
      }
    });
  }
  return summary;
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `*_total` series are counters whose family name drops the suffix; everything else is a gauge. */
function familyOf(name: string): { family: string; type: 'counter' | 'gauge' } {
  return name.endsWith('_total')
    ? { family: name.slice(0, -'_total'.length), type: 'counter' }
    : { family: name, type: 'gauge' };
}

async function writeOpenMetrics(path: string, metrics: Map<string, Map<string, Series>>): Promise<void> {
  const families = new Map<string, string>();
  for (const name of metrics.keys()) {
    const { family } = familyOf(name);
    const other = families.get(family);
    if (other !== undefined) {
      throw new FixtureFormatError(
        `metrics ${other} and ${name} map to the same OpenMetrics family ${family}`,
      );
    }
    families.set(family, name);
  }
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  for (const name of [...metrics.keys()].sort()) {
    const { family, type } = familyOf(name);
    await write(`# TYPE ${family} ${type}\n`);
    const seriesList = [...metrics.get(name)!.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, series] of seriesList) {
      const labelText = Object.keys(series.labels)
        .sort()
        .map((label) => `${label}="${escapeLabelValue(series.labels[label]!)}"`)
        .join(',');
      const prefix = labelText === '' ? name : `${name}{${labelText}}`;
      const lines = [...series.samples.entries()]
        .sort(([a], [b]) => a - b)
        .map(([ts, value]) => `${prefix} ${value} ${ts}\n`);
      await write(lines.join(''));
    }
  }
  await write('# EOF\n');
  out.end();
  await once(out, 'finish');
}

async function main(argv: string[]): Promise<void> {
  const [outPath, ...inputs] = argv;
  if (outPath === undefined || inputs.length === 0) {
    throw new FixtureFormatError('usage: prom-fixture-to-openmetrics.ts <out.om.txt> <fixture.json>...');
  }
  const metrics = new Map<string, Map<string, Series>>();
  const summaries: InputSummary[] = [];
  for (const file of inputs) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new FixtureFormatError(`${file}: cannot read JSON (${(error as Error).message})`);
    }
    summaries.push(mergeFixture(file, json, metrics));
  }
  await writeOpenMetrics(outPath, metrics);
  process.stdout.write(`${JSON.stringify({ output: outPath, inputs: summaries })}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof FixtureFormatError ? `${error.name}: ${error.message}` : error);
  process.exit(1);
});
