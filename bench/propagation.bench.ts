// Propagation delay (commit → swap) of the loader, beside a naive TF-Serving-style poller that
// re-lists the whole model directory every poll, both running against the same publishes.
// Storage requests are counted with a wrapper around each side's driver.
import { join } from 'node:path';
import { type UpdateEvent, watchModel } from '../packages/loader/src/index.ts';
import {
  listAll,
  manifestKey,
  modelPrefix,
  openStore,
  openStoreWithDriver,
  type StorageDriver,
  type Store,
  versionFromKey,
} from '../packages/registry/src/index.ts';
import { type BenchContext, type BenchModule, percentile } from './harness.ts';

const PUBLISHES = 50;
const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

interface Counter {
  requests: number;
  keysListed: number;
}

/** Counts every driver call (one call ≈ one storage request; a list page counts once) and listed keys. */
function counted(driver: StorageDriver, counter: Counter): StorageDriver {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return async (...args: unknown[]) => {
        counter.requests++;
        const result = await value.apply(target, args);
        if (prop === 'list') counter.keysListed += (result as { objects: unknown[] }).objects.length;
        return result;
      };
    },
  });
}

/** The baseline: list every key under the model, take the highest version with a manifest, fetch it. */
function naivePoller(
  store: Store,
  intervalMs: number,
  onServe: (version: number, createdAt: string) => void,
) {
  let current = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      let newest = 0;
      for await (const obj of listAll(store.driver, modelPrefix(MODEL))) {
        const v = versionFromKey(MODEL, obj.key);
        if (v !== undefined && obj.key === manifestKey(MODEL, v) && v > newest) newest = v;
      }
      if (newest > current) {
        const rec = await store.readVersion(MODEL, newest);
        for (const f of rec.manifest.files) await store.readFile(rec.manifest, f.path);
        current = newest;
        onServe(newest, rec.manifest.createdAt);
      }
    } catch {
      // Retry on the next poll.
    }
    if (!stopped) timer = setTimeout(poll, intervalMs);
  };
  void poll();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

interface Scenario {
  label: string;
  publisher: Store;
  /** Opens a reader store over the given (counted) driver factory. */
  readerDriver: () => Promise<StorageDriver>;
  pollIntervalMs: number;
  target: string;
}

async function runScenario(ctx: BenchContext, s: Scenario): Promise<void> {
  const ours: Counter = { requests: 0, keysListed: 0 };
  const naive: Counter = { requests: 0, keysListed: 0 };
  await s.publisher.publish({ model: MODEL, files: [payload(0)] });
  const watcherStore = await openStoreWithDriver(counted(await s.readerDriver(), ours));
  const naiveStore = await openStoreWithDriver(counted(await s.readerDriver(), naive));
  const watcher = watchModel({
    store: watcherStore,
    ref: MODEL,
    decode: async () => null,
    pollIntervalMs: s.pollIntervalMs,
  });
  await watcher.ready();

  const oursDelay = new Map<number, number>();
  const naiveDelay = new Map<number, number>();
  const oursSwapAt = new Map<number, number>();
  const headUpdatedAt = new Map<number, number>();
  watcher.on('update', (u: UpdateEvent) => {
    oursSwapAt.set(u.version, Date.now());
    if (u.propagationMs !== undefined) oursDelay.set(u.version, u.propagationMs);
  });
  const stopNaive = naivePoller(naiveStore, s.pollIntervalMs, (v, createdAt) =>
    naiveDelay.set(v, Date.now() - Date.parse(createdAt)),
  );
  ours.requests = 0;
  naive.requests = 0;
  naive.keysListed = 0;
  const started = Date.now();
  for (let i = 1; i <= PUBLISHES; i++) {
    const { version } = await s.publisher.publish({ model: MODEL, files: [payload(i)] });
    headUpdatedAt.set(version, Date.now());
    const deadline = Date.now() + 10 * s.pollIntervalMs + 5000;
    while ((!oursDelay.has(version) || !naiveDelay.has(version)) && Date.now() < deadline) await sleep(5);
    // Spread publishes out so polls are not phase-locked with commits.
    await sleep(Math.random() * s.pollIntervalMs);
  }
  const minutes = (Date.now() - started) / 60_000;
  // Idle cost: nothing published, both just watch (the loader's O(1) head poll vs a full listing).
  const idle = { ours: ours.requests, naive: naive.requests, at: Date.now() };
  await sleep(10 * s.pollIntervalMs);
  const idleMinutes = (Date.now() - idle.at) / 60_000;
  const idleOurs = (ours.requests - idle.ours) / idleMinutes;
  const idleNaive = (naive.requests - idle.naive) / idleMinutes;
  stopNaive();
  await watcher.close();
  await watcherStore.close();
  await naiveStore.close();

  const published = [...headUpdatedAt.keys()];
  const a = published.filter((v) => oursDelay.has(v)).map((v) => oursDelay.get(v)!);
  const b = published.filter((v) => naiveDelay.has(v)).map((v) => naiveDelay.get(v)!);
  const reaction = published
    .filter((v) => oursSwapAt.has(v))
    .map((v) => oursSwapAt.get(v)! - headUpdatedAt.get(v)!);
  const base = `naive re-list every ${s.pollIntervalMs} ms`;
  ctx.note(
    `${s.label}: ${a.length}/${PUBLISHES} swaps seen by the loader, ${b.length}/${PUBLISHES} by the baseline`,
  );
  ctx.row({
    name: `${s.label}: commit → swap p50`,
    value: percentile(a, 50),
    unit: 'ms',
    baseline: base,
    baselineValue: percentile(b, 50),
  });
  ctx.row({
    name: `${s.label}: commit → swap p99`,
    value: percentile(a, 99),
    unit: 'ms',
    baseline: base,
    baselineValue: percentile(b, 99),
    target: s.target,
  });
  ctx.row({
    name: `${s.label}: publish() returned → swap p50`,
    value: percentile(reaction, 50),
    unit: 'ms',
  });
  ctx.row({ name: `${s.label}: publish() returned → swap p99`, value: percentile(reaction, 99), unit: 'ms' });
  ctx.row({
    name: `${s.label}: storage requests per minute, idle`,
    value: idleOurs,
    unit: 'req/min',
    baseline: base,
    baselineValue: idleNaive,
  });
  ctx.row({
    name: `${s.label}: storage requests per minute, 1 publish/poll`,
    value: ours.requests / minutes,
    unit: 'req/min',
    baseline: base,
    baselineValue: naive.requests / minutes,
  });
  ctx.note(
    `${s.label}: the baseline listed ${naive.keysListed} keys (${Math.round(naive.keysListed / Math.max(1, naive.requests))} per request, growing with every version); the loader listed ${ours.keysListed}`,
  );
}

const payload = (i: number) => ({
  path: 'model.json',
  data: new TextEncoder().encode(JSON.stringify({ answer: i })),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = () => `bench-propagation-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const bench: BenchModule = {
  title: 'Propagation delay: commit → swap in a watching estimator',
  async run(ctx) {
    const { FsDriver } = await import('../packages/registry/src/index.ts');
    const local = join(ctx.tmpDir, 'store');
    await runScenario(ctx, {
      label: 'local fs, native events',
      publisher: await openStore(local, { create: true }),
      readerDriver: async () => new FsDriver(local),
      pollIntervalMs: 1000,
      target: '< 100 ms',
    });

    const a = process.env.MODELSHELF_TEST_CEPHFS_A;
    const b = process.env.MODELSHELF_TEST_CEPHFS_B;
    if (a && b) {
      const dir = rand();
      const { rm } = await import('node:fs/promises');
      try {
        await runScenario(ctx, {
          label: 'CephFS mount B ← mount A, polling',
          publisher: await openStore(join(a, dir), { create: true }),
          readerDriver: async () => new FsDriver(join(b, dir)),
          pollIntervalMs: 500,
          target: '< 600 ms (poll interval + 100 ms)',
        });
      } finally {
        await rm(join(a, dir), { recursive: true, force: true });
      }
    } else
      ctx.note('CephFS skipped: MODELSHELF_TEST_CEPHFS_A/B unset (eval "$(bash scripts/ceph-dev.sh up)")');

    const endpoint = process.env.MODELSHELF_TEST_S3_ENDPOINT;
    const bucket = process.env.MODELSHELF_TEST_S3_BUCKET;
    if (endpoint && bucket) {
      const uri = `s3://${bucket}/${rand()}?endpoint=${encodeURIComponent(endpoint)}`;
      const { driverFor } = await import('../packages/registry/src/index.ts');
      await runScenario(ctx, {
        label: 'RGW (S3), polling',
        publisher: await openStore(uri, { create: true }),
        readerDriver: () => driverFor(uri),
        pollIntervalMs: 500,
        target: '< 700 ms (poll interval + 200 ms)',
      });
    } else
      ctx.note(
        'RGW skipped: MODELSHELF_TEST_S3_ENDPOINT/BUCKET unset (eval "$(bash scripts/ceph-dev.sh up)")',
      );
  },
};

export default bench;
