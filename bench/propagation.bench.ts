// Propagation delay (commit → swap) of the loader, beside a naive TF-Serving-style poller that
// re-lists the whole model directory every poll, each following its own run of publishes.
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
// The loader polls without jitter here, like the baseline, so that both wait at most one interval and
// the targets (interval + 100 or 200 ms) read as stated; the estimator's default ±20 % jitter adds up
// to 0.2 × the interval to the worst case. PROPAGATION_JITTER=0.2 measures that.
const POLL_JITTER = Number(process.env.PROPAGATION_JITTER ?? 0);
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

interface Followed {
  /** version → commit → swap (from the manifest's createdAt). */
  delay: Map<number, number>;
  /** version → publish() returned → swap. */
  reaction: Map<number, number>;
  requests: number;
  keysListed: number;
  idlePerMinute: number;
  minutes: number;
}

/**
 * Publishes PUBLISHES versions while one follower (the loader, or the naive poller) watches, then
 * idles for 10 polls. Each follower runs alone: the naive poller's directory walks would otherwise
 * slow the publisher's commits (on CephFS every walk takes capabilities the publisher must get
 * back) and so the loader's figures too.
 */
async function follow(s: Scenario, kind: 'loader' | 'naive'): Promise<Followed> {
  const counter: Counter = { requests: 0, keysListed: 0 };
  const delay = new Map<number, number>();
  const swapAt = new Map<number, number>();
  const store = await openStoreWithDriver(counted(await s.readerDriver(), counter));
  let stop: () => Promise<void>;
  if (kind === 'loader') {
    const watcher = watchModel({
      store,
      ref: MODEL,
      decode: async () => null,
      pollIntervalMs: s.pollIntervalMs,
      pollJitter: POLL_JITTER,
    });
    await watcher.ready();
    watcher.on('update', (u: UpdateEvent) => {
      swapAt.set(u.version, Date.now());
      if (u.propagationMs !== undefined) delay.set(u.version, u.propagationMs);
    });
    stop = () => watcher.close();
  } else {
    const stopNaive = naivePoller(store, s.pollIntervalMs, (v, createdAt) => {
      swapAt.set(v, Date.now());
      delay.set(v, Date.now() - Date.parse(createdAt));
    });
    stop = async () => stopNaive();
  }
  counter.requests = 0;
  counter.keysListed = 0;
  const returnedAt = new Map<number, number>();
  const started = Date.now();
  for (let i = 1; i <= PUBLISHES; i++) {
    const { version } = await s.publisher.publish({ model: MODEL, files: [payload(i)] });
    returnedAt.set(version, Date.now());
    const deadline = Date.now() + 10 * s.pollIntervalMs + 5000;
    while (!delay.has(version) && Date.now() < deadline) await sleep(5);
    // Spread publishes out so polls are not phase-locked with commits.
    await sleep(Math.random() * s.pollIntervalMs);
  }
  const minutes = (Date.now() - started) / 60_000;
  const { requests, keysListed } = counter;
  // Idle cost: nothing published, the follower just watches.
  const idleFrom = { requests: counter.requests, at: Date.now() };
  await sleep(10 * s.pollIntervalMs);
  const idlePerMinute = (counter.requests - idleFrom.requests) / ((Date.now() - idleFrom.at) / 60_000);
  await stop();
  await store.close();
  const reaction = new Map<number, number>();
  for (const [v, at] of returnedAt) {
    const swapped = swapAt.get(v);
    if (swapped !== undefined) reaction.set(v, swapped - at);
  }
  for (const v of [...delay.keys()]) if (!returnedAt.has(v)) delay.delete(v);
  return { delay, reaction, requests, keysListed, idlePerMinute, minutes };
}

async function runScenario(ctx: BenchContext, s: Scenario): Promise<void> {
  await s.publisher.publish({ model: MODEL, files: [payload(0)] });
  const ours = await follow(s, 'loader');
  const naive = await follow(s, 'naive');
  const a = [...ours.delay.values()];
  const b = [...naive.delay.values()];
  const reaction = [...ours.reaction.values()];
  const base = `naive re-list every ${s.pollIntervalMs} ms`;
  ctx.note(
    `${s.label}: ${a.length}/${PUBLISHES} swaps seen by the loader, ${b.length}/${PUBLISHES} by the baseline (each run alone)`,
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
    baseline: 'the naive poller',
    baselineValue: percentile([...naive.reaction.values()], 50),
  });
  ctx.row({
    name: `${s.label}: publish() returned → swap p99`,
    value: percentile(reaction, 99),
    unit: 'ms',
    baseline: 'the naive poller',
    baselineValue: percentile([...naive.reaction.values()], 99),
  });
  ctx.row({
    name: `${s.label}: storage requests per minute, idle`,
    value: ours.idlePerMinute,
    unit: 'req/min',
    baseline: base,
    baselineValue: naive.idlePerMinute,
  });
  ctx.row({
    name: `${s.label}: storage requests per minute, 1 publish/poll`,
    value: ours.requests / ours.minutes,
    unit: 'req/min',
    baseline: base,
    baselineValue: naive.requests / naive.minutes,
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
        target: '< 600 ms (poll interval + 100 ms)',
      });
    } else
      ctx.note(
        'RGW skipped: MODELSHELF_TEST_S3_ENDPOINT/BUCKET unset (eval "$(bash scripts/ceph-dev.sh up)")',
      );
  },
};

export default bench;
