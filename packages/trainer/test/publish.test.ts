import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { train } from '../src/pipeline/train.ts';
import { publishModels } from '../src/publish/publish.ts';
import { watchAndTrain } from '../src/publish/watch.ts';
import type { Matrix, Trainer } from '../src/trainers/types.ts';
import { PROM_IDLE } from './helpers/fixtures.ts';
import { meanTrainer } from './helpers/mean-trainer.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trainer-publish-'));
  store = await openStore(dir, { create: true });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const options = (trainers: Trainer[] = [meanTrainer()]) => ({
  source: { kind: 'file' as const, path: PROM_IDLE },
  energySource: 'acpi',
  featureGroups: ['BPFOnly'],
  outputTypes: ['AbsPower'],
  trainers,
});

describe('publishModels', () => {
  it('publishes each model as a version with its files, formats and Kepler metadata', async () => {
    const { models } = await train(options());
    const [d] = await publishModels(store, models);
    expect(d).toMatchObject({
      model: 'acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_0',
      action: 'published',
      version: 1,
    });
    const r = await store.resolve('acpi/AbsPower/BPFOnly/MeanTestDoubleTrainer_0');
    expect(r.manifest.formats).toEqual([{ name: 'test-double', files: ['weights.json'] }]);
    expect(r.manifest.metadata).toEqual(models[0]!.metadata);
    expect(r.manifest.metadata.mae).toBe(models[0]!.mae);
    const bytes = await store.readFile(r.manifest, 'weights.json');
    expect(Buffer.from(bytes).equals(Buffer.from(models[0]!.exported.files[0]!.data))).toBe(true);
    // A second run is a second version of the same name.
    const [again] = await publishModels(store, models);
    expect(again!.version).toBe(2);
  });

  it('dry-run writes nothing', async () => {
    const { models } = await train(options());
    const [d] = await publishModels(store, models, { dryRun: true });
    expect(d!.action).toBe('dry-run');
    expect(await store.listModelNames()).toEqual([]);
  });

  it('with an improvement gate: publishes the first version, skips a model that is not better enough', async () => {
    const { models } = await train(options());
    const [first] = await publishModels(store, models, { improvement: 0.05 });
    expect(first).toMatchObject({ action: 'published', version: 1, reason: 'first version of this model' });
    const [same] = await publishModels(store, models, { improvement: 0.05 });
    expect(same!.action).toBe('skipped');
    expect(same!.previous).toEqual({ version: 1, mae: models[0]!.mae });
    expect(same!.reason).toMatch(/does not improve on v1 \(latest\) mae .* by 5%/);
    // A 10% better model passes a 5% gate.
    const better = {
      ...models[0]!,
      mae: models[0]!.mae * 0.9,
      metadata: { ...models[0]!.metadata, mae: models[0]!.mae * 0.9 },
    };
    const [passed] = await publishModels(store, [better], { improvement: 0.05 });
    expect(passed).toMatchObject({ action: 'published', version: 2 });
  });

  it('compares against the pinned version when there is a pin', async () => {
    const { models } = await train(options());
    const m = models[0]!;
    const worse = { ...m, mae: m.mae * 2, metadata: { ...m.metadata, mae: m.mae * 2 } };
    await publishModels(store, [m]); // v1
    await publishModels(store, [worse]); // v2, latest but worse
    await store.pin(m.name, 1);
    const [d] = await publishModels(
      store,
      [{ ...m, mae: m.mae * 1.5, metadata: { ...m.metadata, mae: m.mae * 1.5 } }],
      { improvement: 0.05 },
    );
    expect(d!.action).toBe('skipped');
    expect(d!.reason).toMatch(/v1 \(pin\)/);
  });
});

describe('watchAndTrain', () => {
  it('retrains every interval, publishes only improvements and says why it skipped', async () => {
    // A trainer whose prediction is off by 100 W, then 150 W (worse), then 0 W (better).
    const offsets = [100, 150, 0];
    let cycle = 0;
    const drifting: Trainer = {
      ...meanTrainer('DriftingTestDoubleTrainer'),
      fit(x, y, o) {
        const base = meanTrainer().fit(x, y, o) as { mean: number; predict: (m: typeof x) => Float64Array };
        const shift = offsets[cycle] ?? 0;
        return {
          predict: (m: Matrix) => base.predict(m).map((v) => v + shift),
          mean: base.mean + shift,
          slope: 0,
        } as never;
      },
    };
    let clock = 1_000;
    const sleeps: number[] = [];
    const cycles = await watchAndTrain({
      store,
      intervalSeconds: 60,
      optionsFor: () => options([drifting]),
      maxCycles: 3,
      now: () => clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms / 1000;
        cycle++;
      },
    });
    expect(cycles.map((c) => c.decisions.map((d) => d.action))).toEqual([
      ['published'],
      ['skipped'],
      ['published'],
    ]);
    expect(sleeps).toEqual([60_000, 60_000]);
    expect(cycles[1]!.decisions[0]!.reason).toMatch(/does not improve/);
    expect(cycles[2]!.decisions[0]!.reason).toMatch(/improves on v1 \(latest\)/);
    expect((await store.resolve('acpi/AbsPower/BPFOnly/DriftingTestDoubleTrainer_0')).version).toBe(2);
  });

  it('a failing cycle is reported and the loop goes on', async () => {
    let n = 0;
    const cycles = await watchAndTrain({
      store,
      intervalSeconds: 1,
      optionsFor: () =>
        n++ === 0
          ? { ...options(), source: { kind: 'file' as const, path: join(dir, 'absent.json') } }
          : options(),
      maxCycles: 2,
      sleep: async () => {},
    });
    expect(cycles[0]!.error?.message).toMatch(/cannot read training data/);
    expect(cycles[1]!.decisions[0]!.action).toBe('published');
  });
});
