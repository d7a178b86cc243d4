// A pin that races gc's deletion of the very version it points at. gc deletes the manifest and then
// reads the head; the mover writes the head and then reads the manifest. The interleaving where gc
// reads the head before the pin lands is forced here: the pinner is held after its first check that
// the version exists until gc has deleted it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FsDriver,
  openStore,
  openStoreWithDriver,
  type StorageDriver,
  type Store,
  VersionNotFoundError,
} from '../src/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const M = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelshelf-gc-pin-'));
  store = await openStore(dir, { create: true });
  for (let i = 1; i <= 3; i++)
    await store.publish({ model: M, files: [{ path: 'w.json', data: enc(`{"v":${i}}`) }], metadata: {} });
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
    await store.pin(M, 1);
    const head = await store.head(M);
    expect(head?.pin).toBe(1);
    expect((await store.history(M)).length).toBe(1);
  });
});
