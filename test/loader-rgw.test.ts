// The loader against Ceph RGW through the S3 driver: follows publishes, survives a gateway outage
// (last good keeps serving, error + stale, recovery on restart) and refuses a truncated object.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LoadError,
  type ModelWatcher,
  type RecoveredEvent,
  type StaleEvent,
  type UpdateEvent,
  watchModel,
} from '../packages/loader/src/index.ts';
import { requireEnv, s3StoreUri } from '../packages/loader/test/helpers/services.ts';
import { publishToy, type ToyModel, toyDecoder, toyFile } from '../packages/loader/test/helpers/store.ts';
import { nextEvent } from '../packages/loader/test/helpers/wait.ts';
import { fileKey, openStore, type Store } from '../packages/registry/src/index.ts';

const run = promisify(execFile);
const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const ceph = (cmd: string) => run('bash', ['scripts/ceph-dev.sh', cmd], { timeout: 120_000 });

const rgw = requireEnv('loader: Ceph RGW outage', [
  'MODELSHELF_TEST_S3_ENDPOINT',
  'MODELSHELF_TEST_S3_BUCKET',
]);

describe.runIf(rgw.ok)('loader on Ceph RGW (S3)', () => {
  const { env } = rgw;
  let store: Store;
  let watcher: ModelWatcher<ToyModel>;

  beforeAll(async () => {
    store = await openStore(
      s3StoreUri(env.MODELSHELF_TEST_S3_BUCKET!, env.MODELSHELF_TEST_S3_ENDPOINT!, 'loader-rgw'),
      {
        create: true,
      },
    );
    await publishToy(store, MODEL, 1);
    watcher = watchModel({
      store,
      ref: MODEL,
      decode: toyDecoder,
      pollIntervalMs: 250,
      retry: { baseMs: 250, maxMs: 1000 },
      staleAfterIntervals: 4,
    });
    expect((await watcher.ready()).version).toBe(1);
    expect(watcher.sources).toMatchObject({ polling: true, nativeEvents: false });
  });
  afterAll(async () => {
    await watcher?.close();
    await store?.close();
  });

  it('serves a new version published through S3', async () => {
    const updated = nextEvent<UpdateEvent>(watcher, 'update', (u) => u.version === 2);
    const published = await publishToy(store, MODEL, 2);
    expect((await updated).digest).toBe(published.digest);
    expect(watcher.current()?.value.answer).toBe(2);
  });

  it('keeps serving while the gateway is down, says so, and recovers after restart', async () => {
    const error = nextEvent<LoadError>(watcher, 'error', (e) => e.reason === 'unreachable', 30_000);
    const stale = nextEvent<StaleEvent>(watcher, 'stale', () => true, 30_000);
    await ceph('rgw-stop');
    let recovered: Promise<RecoveredEvent> | undefined;
    try {
      await error;
      await stale;
      expect(watcher.current()?.value.answer).toBe(2);
    } finally {
      // Listen before restarting: the watcher may reach the gateway before rgw-start returns.
      recovered = nextEvent<RecoveredEvent>(watcher, 'recovered', () => true, 60_000);
      await ceph('rgw-start');
    }
    await recovered;
    const updated = nextEvent<UpdateEvent>(watcher, 'update', (u) => u.version === 3, 15_000);
    await publishToy(store, MODEL, 3);
    await updated;
    expect(watcher.current()?.value.answer).toBe(3);
  }, 180_000);

  it('refuses a truncated object; the last good keeps serving', async () => {
    const failed = nextEvent<LoadError>(watcher, 'error', (e) => e.reason === 'integrity', 15_000);
    const full = toyFile(4);
    let version = 0;
    await store.publish({
      model: MODEL,
      files: [full],
      // Stored and hashed, then replaced by its first half before the manifest commits.
      afterFile: async () => {
        version = ((await store.head(MODEL))?.latest ?? 0) + 1;
        // A plain overwrite (compare-and-swap on the current etag), as a faulty tool or disk would do.
        const key = fileKey(MODEL, version, 'model.json');
        const { etag } = await store.driver.get(key);
        await store.driver.putIfMatch(key, full.data.subarray(0, full.data.length >> 1), etag);
      },
    });
    const err = await failed;
    expect(err.version).toBe(version);
    expect(err.message).toMatch(/bytes|SHA-256/);
    expect(watcher.current()?.value.answer).toBe(3);
  });
});
