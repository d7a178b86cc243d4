// Training through a real Prometheus's HTTP API gives the same models as training from the saved
// file it was loaded from. Start one with `eval "$(bash scripts/prometheus-dev.sh up)"`: it
// backfills the 2023-09 Kepler fixture and exports MODELSHELF_TEST_PROMETHEUS_URL,
// MODELSHELF_TEST_PROM_START and MODELSHELF_TEST_PROM_END.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  extractTable,
  fetchRange,
  loadPromFile,
  PrometheusClient,
  PrometheusQueryError,
  type TrainOptions,
  train,
} from '../packages/trainer/src/index.ts';
import { LinearRegressionTrainer, SGDRegressorTrainer } from '../packages/trainer/src/trainers/index.ts';
import { PROMETHEUS_UP, skipUnless, unsetEnv } from './support/skips.ts';

const URL_ = process.env.MODELSHELF_TEST_PROMETHEUS_URL;
const START = Number(process.env.MODELSHELF_TEST_PROM_START);
const END = Number(process.env.MODELSHELF_TEST_PROM_END);
const FILE = fileURLToPath(
  new URL(
    '../fixtures/kepler/kepler-model-server/tests/data/prom_output/prom_response_2023-09.json',
    import.meta.url,
  ),
);

const available = skipUnless({
  suite: 'trainer: training through a real Prometheus',
  missing:
    !URL_ || !Number.isFinite(START) || !Number.isFinite(END)
      ? (unsetEnv([
          'MODELSHELF_TEST_PROMETHEUS_URL',
          'MODELSHELF_TEST_PROM_START',
          'MODELSHELF_TEST_PROM_END',
        ]) ?? 'MODELSHELF_TEST_PROM_START/_END are not numbers')
      : undefined,
  enable: PROMETHEUS_UP,
});

describe.runIf(available)('training through a real Prometheus (2023-09 Kepler fixture)', () => {
  const client = () => new PrometheusClient({ url: URL_!, retries: 2, backoffMs: 100 });

  it('query_range over the window returns the same extracted table as the saved file', async () => {
    const live = await fetchRange(client(), { start: START, end: END, step: 3 });
    const saved = await loadPromFile(FILE);
    expect(Object.keys(live).sort()).toEqual(Object.keys(saved).sort());
    const a = extractTable(live, 'rapl').table;
    const b = extractTable(saved, 'rapl').table;
    expect(a.featureNames).toEqual(b.featureNames);
    expect([...a.timestamps]).toEqual([...b.timestamps]);
    expect(Buffer.from(a.features.buffer).equals(Buffer.from(b.features.buffer))).toBe(true);
    for (const c of Object.keys(b.targets)) expect([...a.targets[c]!]).toEqual([...b.targets[c]!]);
  });

  it('small pages (maxPointsPerQuery 50 → 4 windows per metric) merge into the same series', async () => {
    const paged = new PrometheusClient({ url: URL_!, maxPointsPerQuery: 50 });
    const whole = await client().queryRange('kepler_node_package_joules_total', START, END, 3);
    const parts = await paged.queryRange('kepler_node_package_joules_total', START, END, 3);
    const key = (s: { metric: Record<string, string> }) => JSON.stringify(Object.entries(s.metric).sort());
    expect(parts.map(key).sort()).toEqual(whole.map(key).sort());
    for (const s of whole) expect(parts.find((p) => key(p) === key(s))!.values).toEqual(s.values);
  });

  it('trains the same models (artifact bytes, errors, data hash) as from the file', async () => {
    const base: Omit<TrainOptions, 'source'> = {
      energySource: 'rapl',
      featureGroups: ['CounterOnly', 'KubeletOnly', 'BPFOnly'],
      trainers: [new LinearRegressionTrainer(), new SGDRegressorTrainer()],
      seed: 3,
    };
    const live = await train({
      ...base,
      source: { kind: 'prometheus', url: URL_!, start: START, end: END, step: 3 },
    });
    const file = await train({ ...base, source: { kind: 'file', path: FILE } });
    expect(live.models.length).toBe(8);
    expect(live.models.map((m) => m.name)).toEqual(file.models.map((m) => m.name));
    expect(live.skipped.map((s) => s.message)).toEqual(file.skipped.map((s) => s.message));
    live.models.forEach((m, i) => {
      const f = file.models[i]!;
      expect(m.exported.files.map((x) => Buffer.from(x.data).toString('base64'))).toEqual(
        f.exported.files.map((x) => Buffer.from(x.data).toString('base64')),
      );
      expect(m.components).toEqual(f.components);
      const { training_data: ld, ...lm } = m.metadata as { training_data: Record<string, unknown> };
      const { training_data: fd, ...fm } = f.metadata as { training_data: Record<string, unknown> };
      expect(lm).toEqual(fm);
      expect(ld.sha256).toBe(fd.sha256);
      expect(ld.origin).toBe(URL_!.replace(/\/+$/, ''));
    });
  });

  it('a bad query returns Prometheus’s own error text', async () => {
    const err = await client()
      .queryRange('kepler_node_info{', START, END, 3)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusQueryError);
    expect((err as Error).message).toMatch(/bad_data: .*parse error/);
  });
});
