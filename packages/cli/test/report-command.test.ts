// `modelshelf train --report DIR` and `modelshelf report MODEL… --out DIR` through the binary: each
// writes one index.html that carries the models' holdout data, from the run or from the store.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { json, jsonError, REPO, tempStore } from './helpers/cli.ts';

const PROM = join(
  REPO,
  'fixtures/kepler/kepler-model-server/tests/data/prom_output/prom_response_2023-09.json',
);
const LINEAR = 'rapl-sysfs/AbsPower/CounterOnly/LinearRegressionTrainer_0';
const SGD = 'rapl-sysfs/AbsPower/CounterOnly/SGDRegressorTrainer_0';

let env: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  env = await tempStore();
  expect((await env.cli('init')).code).toBe(0);
});
afterAll(() => env.cleanup());

const train = (...extra: string[]) =>
  env.cli(
    'train',
    '--data',
    PROM,
    '--energy-source',
    'rapl-sysfs',
    '--trainers',
    'LinearRegressionTrainer,SGDRegressorTrainer',
    '--feature-groups',
    'CounterOnly',
    '--output-types',
    'AbsPower',
    ...extra,
  );

/** The chart data embedded in a report. */
async function charts(file: string): Promise<{ id: string; title: string; data: number[][] }[]> {
  const html = await readFile(file, 'utf8');
  const m = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html);
  return (JSON.parse(m![1]!) as { charts: { id: string; title: string; data: number[][] }[] }).charts;
}

it('train --report writes the run’s report beside publishing, with each model’s held-out rows', async () => {
  const out = join(env.root, 'run-report');
  const r = await train('--report', out);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe(`report: ${join(out, 'index.html')}\n`);
  const html = await readFile(join(out, 'index.html'), 'utf8');
  expect(html).toContain(`${LINEAR}@1`);
  expect(html).toContain(`${SGD}@1`);
  const c = await charts(join(out, 'index.html'));
  // Per model: package and dram (core and uncore are 0 W in this data), residuals; 1 comparison; 2 histories.
  expect(c.filter((x) => x.title.startsWith('package:')).map((x) => x.data[0]!.length)).toEqual([19, 19]);
  expect(c.length).toBe(2 * 3 + 1 + 2);
});

it('report draws stored versions from their holdout.json', async () => {
  expect((await train('--seed', '1')).code).toBe(0);
  const out = join(env.root, 'store-report');
  const r = await env.cli('--json', 'report', `${LINEAR}@1`, `${LINEAR}@2`, '--out', out);
  expect(r.code, r.stderr).toBe(0);
  expect(json(r)).toEqual({
    file: join(out, 'index.html'),
    models: [
      { model: LINEAR, version: 1 },
      { model: LINEAR, version: 2 },
    ],
  });
  const c = await charts(join(out, 'index.html'));
  const packageCharts = c.filter((x) => x.title.startsWith('package:'));
  expect(packageCharts).toHaveLength(2);
  // Seeds 0 and 1 hold out different rows.
  expect(packageCharts[0]!.data[0]).not.toEqual(packageCharts[1]!.data[0]);
});

it('report on an unknown model fails naming it, and writes nothing', async () => {
  const out = join(env.root, 'nothing');
  const r = await env.cli(
    '--json',
    'report',
    'rapl-sysfs/AbsPower/CounterOnly/NoSuchTrainer_0',
    '--out',
    out,
  );
  expect(r.code).not.toBe(0);
  expect(jsonError(r).message).toContain('rapl-sysfs/AbsPower/CounterOnly/NoSuchTrainer_0');
  await expect(readFile(join(out, 'index.html'))).rejects.toThrow(/ENOENT/);
});
