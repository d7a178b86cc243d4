// Two writes that land while something else happens between them:
// - a pin racing gc's deletion of the very version it points at. gc deletes the manifest and then reads
//   the head; the mover writes the head and then reads the manifest. The interleaving where gc reads the
//   head before the pin lands is forced: the pinner is held after its first check that the version exists
//   until gc has deleted it.
// - a disk that fills between the two writes of a publish: the manifest (the commit) landed, the head swap
//   did not. The publish must say the version is committed, not that it failed, and gc must finish it.
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
  VersionNotFoundError,
} from '../src/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const M = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

let dir: string;
let store: Store;
const publishV = (i: number, s: Store = store) =>
  s.publish({ model: M, files: [{ path: 'w.json', data: enc(`{"v":${i}}`) }], metadata: {} });
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelshelf-races-'));
  store = await openStore(dir, { create: true });
  await publishV(1);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A driver whose first read of `key` returns, then waits for `release` before the caller goes on. */
function holdAfterFirstRead(driver: FsDriver, key: string, release: Promise<void>): StorageDriver {
  let held = false;
  return new Proxy(driver, {
    get(target, prop, receiver) {
      if (prop !== 'get') return Reflect.get(target, prop, receiver);
      return async (k: string) => {
        const result = await target.get(k);
        if (k.endsWith(key) && !held) {
          held = true;
          await release;
        }
        return result;
      };
    },
  });
}

describe('a pin racing gc', () => {
  it('a pin that lands on a version gc has just deleted is moved back and the pin fails', async () => {
    await publishV(2);
    await publishV(3);
    let releasePinner!: () => void;
    const gcDone = new Promise<void>((r) => {
      releasePinner = r;
    });
    const pinnerStore = await openStoreWithDriver(
      holdAfterFirstRead(new FsDriver(dir), '/1/manifest.json', gcDone),
    );
    // The manifest key ends in "1/manifest.json" whatever the layout's prefix is.
    const pinning = pinnerStore.pin(M, 1, { reason: 'operator' });
    const outcome = pinning.then(
      () => 'pinned',
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 50)); // the pinner has checked version 1 and is held
    const report = await store.gc({ keep: 1 });
    expect(report.actions.filter((a) => a.kind === 'delete-version').map((a) => a.version)).toEqual([1, 2]);
    releasePinner();

    const err = await outcome;
    expect(err).toBeInstanceOf(VersionNotFoundError);
    expect((err as VersionNotFoundError).version).toBe(1);
    const head = await store.head(M);
    expect(head?.pin).toBeNull();
    const moves = await store.history(M);
    expect(moves.map((e) => [e.ref, e.action, e.to])).toEqual([
      ['pin', 'set', 1],
      ['pin', 'remove', null],
    ]);
    expect(moves[1]?.reason).toMatch(/version 1 was removed by gc/);
    await expect(store.resolve(M)).resolves.toMatchObject({ version: 3, via: 'latest' });
  });

  it('without gc the pin is unaffected by the check', async () => {
    await publishV(2);
    await publishV(3);
    await store.pin(M, 1);
    const head = await store.head(M);
    expect(head?.pin).toBe(1);
    expect((await store.history(M)).length).toBe(1);
  });
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
    const err = await publishV(2, full).then(
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
