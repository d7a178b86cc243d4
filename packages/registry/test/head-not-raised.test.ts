// The disk fills between the two writes of a publish: the manifest (the commit) landed, the head swap
// did not. The publish must say the version is committed, not that it failed, and gc must finish it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FsDriver,
  HeadNotRaisedError,
  openStore,
  openStoreWithDriver,
  type StorageDriver,
  type Store,
  StoreFullError,
} from '../src/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const M = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelshelf-head-full-'));
  store = await openStore(dir, { create: true });
  await store.publish({ model: M, files: [{ path: 'w.json', data: enc('{"v":1}') }], metadata: {} });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A driver whose head swaps fail as a full disk does, every other write succeeding. */
function fullAtHeadSwap(driver: FsDriver): StorageDriver {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      if (prop !== 'putIfMatch') return Reflect.get(target, prop, receiver);
      return async () => {
        throw new StoreFullError(target.location, 'no space left on device (ENOSPC)');
      };
    },
  });
}

describe('a disk that fills exactly at the head swap', () => {
  it('publish reports the committed version (exit category storage), readers keep the old latest, gc raises it', async () => {
    const full = await openStoreWithDriver(fullAtHeadSwap(new FsDriver(dir)));
    const err = await full
      .publish({ model: M, files: [{ path: 'w.json', data: enc('{"v":2}') }], metadata: {} })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(HeadNotRaisedError);
    const e = err as HeadNotRaisedError;
    expect(e.category).toBe('storage');
    expect(e.version).toBe(2);
    expect(e.message).toMatch(/version 2 of .* is committed \(sha256:[0-9a-f]{64}\).*is full/);
    expect(e.hint).toMatch(/do not publish the same files again/);
    expect(e.cause).toBeInstanceOf(StoreFullError);

    // Committed and intact, but not what readers follow yet.
    expect((await store.readVersion(M, 2)).digest).toBe(e.digest);
    await expect(store.resolve(M)).resolves.toMatchObject({ version: 1, via: 'latest' });

    const report = await store.gc({ keep: 10 });
    expect(report.actions).toContainEqual(expect.objectContaining({ kind: 'repair-head', version: 2 }));
    await expect(store.resolve(M)).resolves.toMatchObject({ version: 2, via: 'latest' });
    const next = await store.publish({ model: M, files: [{ path: 'w.json', data: enc('{"v":3}') }] });
    expect(next.version).toBe(3);
  });
});
