// Every published version carries its holdout (holdout.json): the rows the errors were measured
// on, so a report can be drawn from the store later. The file must agree with the recorded errors
// and be byte-identical for the same data and seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeHoldout, HOLDOUT_FILE, parseHoldout } from '../../src/evaluate/holdout-record.ts';
import { meanAbsoluteError, round2 } from '../../src/evaluate/metrics.ts';
import { LINEAR, type ReportStore, reportStore, trainFixture } from './store-fixture.ts';

let fx: ReportStore;
beforeAll(async () => {
  fx = await reportStore();
});
afterAll(() => fx.remove());

describe('holdout.json', () => {
  it('is published with each version and reproduces the per-component mae recorded in the metadata', async () => {
    for (const version of [1, 2]) {
      const rec = await fx.store.readVersion(LINEAR, version);
      expect(rec.manifest.files.map((f) => f.path)).toContain(HOLDOUT_FILE);
      const holdout = parseHoldout(await fx.store.readFile(rec.manifest, HOLDOUT_FILE));
      const meta = rec.manifest.metadata as Record<string, number>;
      expect(holdout.seed).toBe(version - 1);
      expect(holdout.timestamps.length).toBe(19);
      expect([...holdout.timestamps].sort((a, b) => a - b)).toEqual(holdout.timestamps);
      expect(Object.keys(holdout.components).sort()).toEqual(['core', 'dram', 'package', 'uncore']);
      for (const [component, c] of Object.entries(holdout.components)) {
        // Watts are stored to 1e-6 W, so the recomputed error can differ by rounding only.
        expect(
          Math.abs(round2(meanAbsoluteError(c.measured, c.predicted)) - meta[`${component}_mae`]!),
        ).toBeLessThanOrEqual(0.01);
      }
    }
  });

  it('holds the rows of the split: other seeds hold out other rows', async () => {
    const [a, b] = await Promise.all([1, 2].map((v) => fx.store.readVersion(LINEAR, v)));
    const ha = parseHoldout(await fx.store.readFile(a!.manifest, HOLDOUT_FILE));
    const hb = parseHoldout(await fx.store.readFile(b!.manifest, HOLDOUT_FILE));
    expect(ha.timestamps).not.toEqual(hb.timestamps);
  });

  it('has the same bytes for the same data and seed', async () => {
    const [x, y] = [await trainFixture(3), await trainFixture(3)];
    const bytes = (r: typeof x) => Buffer.from(encodeHoldout(r.models[0]!.holdout)).toString('hex');
    expect(bytes(x)).toBe(bytes(y));
  });

  it('rejects a file that is not a holdout record, naming it', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({
        format: 'modelshelf-holdout',
        version: 1,
        seed: 0,
        timestamps: [1, 2],
        components: { package: { measured: [1], predicted: [1, 2] } },
      }),
    );
    expect(() => parseHoldout(bytes, 'm@1/holdout.json')).toThrow(
      /m@1\/holdout.json is not a holdout record: every component needs/,
    );
  });
});
