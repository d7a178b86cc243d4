// The HTML report of stored versions and of a training run: what it says, and that it needs nothing
// from the network (its bytes reference no URL and its policy forbids requests).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeReport } from '../../src/report/html/from-store.ts';
import { trainingReport } from '../../src/report/html/from-training.ts';
import { renderReport } from '../../src/report/html/render.ts';
import { writeReport } from '../../src/report/html/write.ts';
import { LINEAR, type ReportStore, reportStore, SGD } from './store-fixture.ts';

let fx: ReportStore;
beforeAll(async () => {
  fx = await reportStore();
});
afterAll(() => fx.remove());

describe('storeReport', () => {
  it('shows each referenced version with its holdout, the versions of each model with pin and aliases, and the estimator’s choice', async () => {
    const input = await storeReport(fx.store, [`${LINEAR}@1`, `${LINEAR}@2`, SGD]);
    expect(input.models.map((m) => `${m.name}@${m.version}`)).toEqual([
      `${LINEAR}@1`,
      `${LINEAR}@2`,
      `${SGD}@2`,
    ]);
    expect(input.models.every((m) => m.holdout?.timestamps.length === 19)).toBe(true);
    expect(input.models[0]!.trainingData?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const linear = input.histories.find((h) => h.model === LINEAR)!;
    expect(linear.versions.map((v) => [v.version, v.pinned, v.aliases, v.latest])).toEqual([
      [1, true, [], false],
      [2, false, ['stable'], true],
    ]);
    // The estimator serves each model's pin, else latest, and picks the lowest mae among them.
    const [group] = input.comparisons;
    const served = group!.candidates.map((c) => [c.model, c.version]);
    expect(served).toEqual([
      [LINEAR, 1],
      [SGD, 2],
    ]);
    const lowest = [...group!.candidates].sort((a, b) => a.mae! - b.mae!)[0]!;
    expect(group!.chosen).toBe(lowest.model);
  });

  it('says so when a version has no holdout.json', async () => {
    const plain = await fx.store.publish({
      model: 'rapl-sysfs/AbsPower/CounterOnly/PushedTrainer_0',
      files: [{ path: 'weights.json', data: new TextEncoder().encode('{}') }],
      metadata: { mae: 3.5, features: ['cpu_instructions'] },
    });
    const input = await storeReport(fx.store, [
      `rapl-sysfs/AbsPower/CounterOnly/PushedTrainer_0@${plain.version}`,
    ]);
    expect(input.models[0]!.holdoutMissing).toMatch(/has no holdout\.json/);
    expect(renderReport(input)).toContain('has no holdout.json');
  });
});

describe('renderReport', () => {
  it('is one file that references no URL and forbids every request', async () => {
    const input = await storeReport(fx.store, [`${LINEAR}@1`]);
    const path = await writeReport(join(fx.dir, 'out'), input);
    const html = await readFile(path, 'utf8');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/\bsrc=["']?https?:/i);
    expect(html).toContain('uPlot');
  });

  it('marks flat components instead of drawing them and explains mape n/a', async () => {
    const input = await storeReport(fx.store, [`${LINEAR}@2`]);
    const html = renderReport(input);
    // This machine reports no core or uncore power: 0 W on every row.
    expect(html).toContain('core, uncore: measured 0 W on every held-out row');
    expect(html).toContain('no held-out row had measured power above 0 W');
  });

  it('of a dry run applies the estimator’s rule to the models in hand', async () => {
    const input = await trainingReport(fx.last, []);
    const [group] = input.comparisons;
    expect(group!.note).toMatch(/dry run/);
    const lowest = [...fx.last.models].sort((a, b) => a.mae - b.mae)[0]!;
    expect(group!.chosen).toBe(lowest.name);
    expect(input.models.every((m) => m.version === undefined)).toBe(true);
  });

  it('of a published run names the versions and asks the store', async () => {
    const input = await trainingReport(fx.last, fx.lastDecisions, { store: fx.store });
    expect(input.models.map((m) => m.version)).toEqual([2, 2]);
    expect(input.histories.map((h) => h.versions.length)).toEqual([2, 2]);
  });
});
