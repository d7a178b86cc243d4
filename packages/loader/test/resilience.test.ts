// Storage outages: the last good model keeps serving, `error` and `stale` say so, the watcher
// recovers by itself, and with a cache directory an estimator boots while storage is down.
import type { Store } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type LoadError,
  type ModelWatcher,
  type RecoveredEvent,
  type StaleEvent,
  type UpdateEvent,
  watchModel,
} from '../src/index.ts';
import {
  publishToy,
  type SwitchableDriver,
  switchableStore,
  type ToyModel,
  tempDir,
  tempStore,
  toyDecoder,
} from './helpers/store.ts';
import { nextEvent, until } from './helpers/wait.ts';

const MODEL = 'acpi/AbsPower/BPFOnly/SGDRegressorTrainer_1';

describe('resilience', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let flaky: Store;
  let driver: SwitchableDriver;
  const watchers: ModelWatcher<ToyModel>[] = [];

  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
    ({ store: flaky, driver } = await switchableStore(store));
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.close()));
    await cleanup();
  });

  const watch = (extra: Partial<Parameters<typeof watchModel<ToyModel>>[0]> = {}) => {
    const w = watchModel({
      store: flaky,
      ref: MODEL,
      decode: toyDecoder,
      pollIntervalMs: 100,
      poll: 'always',
      retry: { baseMs: 50, maxMs: 200 },
      staleAfterIntervals: 3,
      ...extra,
    });
    watchers.push(w);
    return w;
  };

  it('keeps serving through an outage, reports error then stale, and recovers alone', async () => {
    await publishToy(store, MODEL, 1);
    const w = watch();
    await w.ready();

    const error = nextEvent<LoadError>(w, 'error');
    const stale = nextEvent<StaleEvent>(w, 'stale');
    driver.down = true;
    expect((await error).reason).toBe('unreachable');
    const s = await stale;
    expect(s.sinceMs).toBeGreaterThan(300);
    expect(s.lastSuccessfulCheckAt).toBeInstanceOf(Date);
    expect(w.current()?.value.answer).toBe(1);

    // Published while the watcher cannot see storage: picked up after recovery.
    await publishToy(store, MODEL, 2);
    const recovered = nextEvent<RecoveredEvent>(w, 'recovered');
    const updated = nextEvent<UpdateEvent>(w, 'update', (u) => u.version === 2);
    driver.down = false;
    expect((await recovered).afterMs).toBeGreaterThan(300);
    await updated;
    expect(w.current()?.value.answer).toBe(2);
  });

  it('backs off while storage is down instead of hammering it', async () => {
    await publishToy(store, MODEL, 1);
    const w = watch({ pollIntervalMs: 20, retry: { baseMs: 20, maxMs: 400 } });
    await w.ready();
    driver.down = true;
    const before = driver.count();
    await new Promise((r) => setTimeout(r, 1500));
    const attempts = driver.count() - before;
    // At a 20 ms interval a non-backing-off loop would make ~75 attempts; the backoff caps near 400 ms.
    expect(attempts).toBeGreaterThan(2);
    expect(attempts).toBeLessThan(20);
  });

  it('boots from the local cache when storage is down, then catches up when it returns', async () => {
    const { dir: cacheDir, cleanup: rmCache } = await tempDir('loader-cache-');
    try {
      await publishToy(store, MODEL, 1);
      const first = watch({ cacheDir });
      await first.ready();
      await first.close();

      // Restart with storage unreachable (air-gapped boot, or an outage).
      driver.down = true;
      const second = watch({ cacheDir });
      const served = await second.ready();
      expect(served).toMatchObject({ version: 1, fromCache: true, via: 'cache' });
      expect(served.value.answer).toBe(1);

      await publishToy(store, MODEL, 2);
      const updated = nextEvent<UpdateEvent>(second, 'update', (u) => u.version === 2);
      driver.down = false;
      expect((await updated).fromCache).toBe(false);
    } finally {
      await rmCache();
    }
  });

  it('reuses cached files after a restart: no file download', async () => {
    const { dir: cacheDir, cleanup: rmCache } = await tempDir('loader-cache-');
    try {
      await publishToy(store, MODEL, 1);
      const first = watch({ cacheDir });
      await first.ready();
      await first.close();
      const fileReads = () => driver.keys.filter((k) => k.includes('/files/')).length;
      const before = fileReads();
      const second = watch({ cacheDir });
      expect((await second.ready()).fromCache).toBe(false);
      expect(fileReads()).toBe(before);
    } finally {
      await rmCache();
    }
  });

  it('does not boot from a cache whose files were tampered with', async () => {
    const { dir: cacheDir, cleanup: rmCache } = await tempDir('loader-cache-');
    try {
      await publishToy(store, MODEL, 1);
      const first = watch({ cacheDir });
      const served = await first.ready();
      await first.close();
      const { BlobCache } = await import('../src/index.ts');
      const { writeFile } = await import('node:fs/promises');
      const sha = served.manifest.files[0]!.sha256;
      await writeFile(new BlobCache(cacheDir).pathOf(sha), '{"answer": 666}');

      driver.down = true;
      const second = watch({ cacheDir });
      await nextEvent<LoadError>(second, 'error');
      await new Promise((r) => setTimeout(r, 300));
      expect(second.current()).toBeUndefined();
      driver.down = false;
      expect((await second.ready()).value.answer).toBe(1);
    } finally {
      await rmCache();
    }
  });

  it('a transient failure while fetching files is retried (not remembered as bad)', async () => {
    await publishToy(store, MODEL, 1);
    const w = watch();
    await w.ready();
    // Fail only file reads: the head and manifest are readable, the download is not.
    const inner = driver.getStream.bind(driver);
    const innerGet = driver.get.bind(driver);
    let failFiles = true;
    driver.getStream = async (key) => {
      if (failFiles && key.includes('/files/'))
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return inner(key);
    };
    driver.get = async (key) => {
      if (failFiles && key.includes('/files/'))
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      return innerGet(key);
    };
    const failed = nextEvent<LoadError>(w, 'error');
    await publishToy(store, MODEL, 2);
    expect((await failed).reason).toBe('unreachable');
    failFiles = false;
    await until(() => w.current()?.version === 2, 5000, 'v2 after the transient failure');
  });
});
