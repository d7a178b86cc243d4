// The watcher against a local filesystem store: follows publishes, pins and unpins, refuses
// corrupt and undecodable versions while the last good one keeps serving.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileKey, type Store } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoadError, type ModelWatcher, type UpdateEvent, watchModel } from '../src/index.ts';
import { publishToy, type ToyModel, tempStore, toyDecoder, toyFile } from './helpers/store.ts';
import { nextEvent, sleep, until } from './helpers/wait.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

describe('watchModel on a local filesystem', () => {
  let store: Store;
  let root: string;
  let cleanup: () => Promise<void>;
  let watcher: ModelWatcher<ToyModel> | undefined;

  beforeEach(async () => {
    ({ store, root, cleanup } = await tempStore());
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    await cleanup();
  });

  const watch = (extra: Partial<Parameters<typeof watchModel<ToyModel>>[0]> = {}) => {
    watcher = watchModel({
      store,
      ref: MODEL,
      decode: toyDecoder,
      pollIntervalMs: 200,
      disposeGraceMs: 0,
      ...extra,
    });
    return watcher;
  };

  it('serves the first version, then each new one, and disposes the old', async () => {
    await publishToy(store, MODEL, 1);
    const w = watch();
    const first = await w.ready();
    expect(first.version).toBe(1);
    expect(first.value.answer).toBe(1);
    expect(first.via).toBe('latest');
    expect(first.fromCache).toBe(false);

    const updated = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 2);
    const published = await publishToy(store, MODEL, 2);
    const event = await updated;
    expect(event.digest).toBe(published.digest);
    expect(event.previous?.version).toBe(1);
    expect(w.current()?.value.answer).toBe(2);
    await until(() => first.value.disposed, 2000, 'v1 disposed');
  });

  it('uses native events on a local disk: a publish is seen long before the next poll', async () => {
    await publishToy(store, MODEL, 1);
    const w = watch({ pollIntervalMs: 60_000 });
    await w.ready();
    expect(w.sources).toMatchObject({ polling: true, nativeEvents: true, mount: { remote: false } });
    const t0 = Date.now();
    const updated = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 2, 5000);
    await publishToy(store, MODEL, 2);
    await updated;
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('sees every publish by native events, also one made right after the previous was served', async () => {
    // An event library that throttled changes of one path (50 ms) lost the second of two close
    // publishes, which then waited for the next poll; here that poll is a minute away.
    await publishToy(store, MODEL, 1);
    const w = watch({ pollIntervalMs: 60_000 });
    await w.ready();
    for (let answer = 2; answer <= 6; answer++) {
      const updated = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === answer, 5000);
      await publishToy(store, MODEL, answer);
      expect((await updated).version).toBe(answer);
    }
    expect(w.current()?.value.answer).toBe(6);
  });

  it('moves to a pin, then back to latest on unpin', async () => {
    await publishToy(store, MODEL, 1);
    await publishToy(store, MODEL, 2);
    const w = watch();
    expect((await w.ready()).version).toBe(2);

    const pinned = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 1);
    await store.pin(MODEL, 1);
    expect((await pinned).via).toBe('pin');
    expect(w.current()?.value.answer).toBe(1);

    // Trainers keep publishing under a pin: the estimator stays on the pin.
    await publishToy(store, MODEL, 3);
    await w.checkNow();
    expect(w.current()?.version).toBe(1);

    const unpinned = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 3);
    await store.unpin(MODEL);
    expect((await unpinned).via).toBe('latest');
  });

  it('follows an alias', async () => {
    await publishToy(store, MODEL, 1);
    await publishToy(store, MODEL, 2);
    await store.setAlias(MODEL, 'stable', 1);
    const w = watch({ ref: `${MODEL}@stable` });
    expect((await w.ready()).version).toBe(1);
    const moved = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 2);
    await store.setAlias(MODEL, 'stable', 2);
    expect((await moved).via).toBe('alias');
  });

  it('refuses a version whose stored bytes differ from the manifest; the last good keeps serving', async () => {
    await publishToy(store, MODEL, 1);
    const w = watch();
    await w.ready();
    const failed = nextEvent<LoadError>(w, 'error');
    let corruptVersion = 0;
    await store.publish({
      model: MODEL,
      files: [toyFile(2)],
      // After the file is stored and hashed, before the manifest commits: flip its bytes on disk.
      afterFile: async () => {
        const head = await store.head(MODEL);
        corruptVersion = (head?.latest ?? 0) + 1;
        await writeFile(
          join(root, ...fileKey(MODEL, corruptVersion, 'model.json').split('/')),
          '{"answer":666}',
        );
      },
    });
    const err = await failed;
    expect(err.version).toBe(corruptVersion);
    expect(err.reason).toBe('integrity');
    expect(err.message).toContain(`${MODEL}@${corruptVersion}`);
    expect(w.current()?.value.answer).toBe(1);

    // Remembered: further polls do not download it again while the head stays the same.
    const failuresBefore = await failureCount(w, 'integrity');
    await w.checkNow();
    await w.checkNow();
    expect(await failureCount(w, 'integrity')).toBe(failuresBefore);
    expect(w.current()?.value.answer).toBe(1);

    // A new good version moves the head: it is served.
    const updated = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === corruptVersion + 1);
    await publishToy(store, MODEL, 3);
    await updated;
    expect(w.current()?.value.answer).toBe(3);
  });

  it('refuses an undecodable version with reason "decode"', async () => {
    await publishToy(store, MODEL, 1);
    const w = watch();
    await w.ready();
    const failed = nextEvent<LoadError>(w, 'error');
    const bad = await publishToy(store, MODEL, '{"answer": "not a number"}');
    const err = await failed;
    expect(err).toMatchObject({ model: MODEL, version: bad.version, reason: 'decode' });
    expect(err.message).toContain('numeric "answer"');
    await sleep(300);
    expect(w.current()?.version).toBe(1);
  });

  it('waits for a model that does not exist yet, then serves it', async () => {
    const w = watch();
    const err = await nextEvent<LoadError>(w, 'error');
    expect(err.reason).toBe('not-found');
    expect(w.current()).toBeUndefined();
    await publishToy(store, MODEL, 7);
    expect((await w.ready()).value.answer).toBe(7);
  });

  it('a fixed version never moves', async () => {
    await publishToy(store, MODEL, 1);
    await publishToy(store, MODEL, 2);
    const w = watch({ ref: `${MODEL}@1` });
    expect((await w.ready()).via).toBe('version');
    await publishToy(store, MODEL, 3);
    await w.checkNow();
    expect(w.current()?.version).toBe(1);
  });

  it('exposes Prometheus metrics in the registry passed in', async () => {
    const { Registry } = await import('prom-client');
    const registry = new Registry();
    await publishToy(store, MODEL, 1);
    const w = watch({ metrics: registry });
    await w.ready();
    // Listen before publishing: the 200 ms poll may find and refuse the version before publish returns.
    const refused = nextEvent<LoadError>(w, 'error', () => true, 30_000);
    await publishToy(store, MODEL, '{}');
    await refused;
    const text = await registry.metrics();
    expect(text).toContain(`modelshelf_loader_model_version{model="${MODEL}"} 1`);
    expect(text).toContain(`modelshelf_loader_loads_total{model="${MODEL}"} 1`);
    expect(text).toContain(`modelshelf_loader_load_failures_total{model="${MODEL}",reason="decode"} 1`);
    expect(text).toMatch(/modelshelf_loader_propagation_delay_seconds_count\{model="[^"]+"\} 1/);
    expect(text).toMatch(/modelshelf_loader_last_successful_check_timestamp_seconds\{model="[^"]+"\} \d{10}/);
  });

  it('rejects ready() when closed before anything loaded', async () => {
    const w = watch();
    const ready = w.ready();
    await w.close();
    await expect(ready).rejects.toThrow(/closed before a model was loaded/);
  });
});

async function failureCount(w: ModelWatcher<ToyModel>, reason: string): Promise<number> {
  const metric = await w.metrics.registry.getSingleMetric('modelshelf_loader_load_failures_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}
