import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AliasNotFoundError,
  ConflictError,
  IntegrityError,
  InvalidArgumentError,
  ManifestError,
  ModelNotFoundError,
  NotAStoreError,
  openStore,
  PathEscapeError,
  ReadOnlyStoreError,
  type Store,
  VersionNotFoundError,
} from '../src/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const M = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelshelf-store-'));
  store = await openStore(dir, { create: true, creator: { user: 'tester', host: 'box' } });
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

const publish = (i: number, meta: Record<string, unknown> = {}) =>
  store.publish({
    model: M,
    files: [{ path: 'weights.json', data: enc(`{"v":${i}}`) }],
    metadata: { mae: i, ...meta },
  });

describe('publish and resolve', () => {
  it('numbers versions from 1 and resolves plain names to the latest', async () => {
    expect((await publish(1)).version).toBe(1);
    expect((await publish(2)).version).toBe(2);
    const r = await store.resolve(M);
    expect([r.version, r.via]).toEqual([2, 'latest']);
    expect(r.manifest.metadata).toEqual({ mae: 2 });
    expect(r.manifest.creator).toMatchObject({ user: 'tester', host: 'box' });
    expect(new TextDecoder().decode(await store.readFile(r.manifest, 'weights.json'))).toBe('{"v":2}');
    expect(r.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('records sizes and SHA-256 digests of every file and the declared formats', async () => {
    const r = await store.publish({
      model: M,
      files: [
        { path: 'weights.json', data: enc('{}') },
        { path: 'model/model.json', data: enc('{"x":1}') },
      ],
      formats: [{ name: 'kepler-weights', files: ['weights.json'] }],
    });
    expect(r.manifest.files).toEqual([
      {
        path: 'weights.json',
        size: 2,
        sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      },
      { path: 'model/model.json', size: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    expect(r.manifest.formats).toEqual([{ name: 'kepler-weights', files: ['weights.json'] }]);
  });

  it('rejects bad input before writing anything', async () => {
    await expect(store.publish({ model: '../evil', files: [{ path: 'a', data: enc('x') }] })).rejects.toThrow(
      /invalid model name/,
    );
    await expect(store.publish({ model: M, files: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(
      store.publish({ model: M, files: [{ path: '../../x', data: enc('x') }] }),
    ).rejects.toBeInstanceOf(PathEscapeError);
    await expect(
      store.publish({
        model: M,
        files: [
          { path: 'a', data: enc('x') },
          { path: 'a', data: enc('y') },
        ],
      }),
    ).rejects.toThrow(/twice/);
    await expect(
      store.publish({
        model: M,
        files: [{ path: 'a', data: enc('x') }],
        formats: [{ name: 'f', files: ['b'] }],
      }),
    ).rejects.toThrow(/not among the files/);
    expect(await store.listModels()).toEqual([]);
  });

  it('gives typed errors for unknown models, versions and aliases', async () => {
    await expect(store.resolve('no/such/model')).rejects.toBeInstanceOf(ModelNotFoundError);
    await publish(1);
    await expect(store.resolve(`${M}@9`)).rejects.toBeInstanceOf(VersionNotFoundError);
    await expect(store.resolve(`${M}@stable`)).rejects.toBeInstanceOf(AliasNotFoundError);
    await expect(store.pin(M, 9)).rejects.toBeInstanceOf(VersionNotFoundError);
    await expect(store.setAlias(M, 'stable', 9)).rejects.toBeInstanceOf(VersionNotFoundError);
    expect(await store.history(M)).toEqual([]);
  });

  it('lists models with latest, pin and aliases', async () => {
    await publish(1);
    await store.publish({ model: 'acpi/AbsPower/BPFOnly/X_0', files: [{ path: 'w', data: enc('1') }] });
    await store.setAlias(M, 'stable', 1);
    expect(await store.listModels()).toEqual([
      { model: 'acpi/AbsPower/BPFOnly/X_0', latest: 1, pin: null, aliases: {} },
      { model: M, latest: 1, pin: null, aliases: { stable: 1 } },
    ]);
    expect((await store.listModels('rapl')).map((m) => m.model)).toEqual([M]);
  });

  it('a model nested under another model name does not collide with its versions', async () => {
    await publish(1);
    await store.publish({ model: `${M}/v`, files: [{ path: 'w', data: enc('nested') }] });
    expect((await store.listVersions(M)).map((v) => v.manifest.version)).toEqual([1]);
    expect((await store.resolve(`${M}/v`)).version).toBe(1);
  });
});

describe('pins, aliases, rollback and history', () => {
  it('pin holds estimators on a version while trainers keep publishing', async () => {
    await publish(1);
    await publish(2);
    await store.pin(M, 1, { reason: 'v2 regressed' });
    await publish(3);
    expect(await store.resolve(M)).toMatchObject({ version: 1, via: 'pin' });
    expect(await store.resolve(`${M}@3`)).toMatchObject({ version: 3, via: 'version' });
    await store.unpin(M);
    expect(await store.resolve(M)).toMatchObject({ version: 3, via: 'latest' });
  });

  it('rollback walks the pin back move by move, and history records who, when and why', async () => {
    for (let i = 1; i <= 3; i++) await publish(i);
    await store.pin(M, 2);
    await store.pin(M, 3, { reason: 'promote' });
    expect((await store.rollback(M)).to).toBe(2);
    expect((await store.rollback(M)).to).toBeNull();
    await expect(store.rollback(M)).rejects.toThrow(/no earlier position/);
    const h = await store.history(M);
    expect(h.map((e) => [e.ref, e.from, e.to])).toEqual([
      ['pin', null, 2],
      ['pin', 2, 3],
      ['pin', 3, 2],
      ['pin', 2, null],
    ]);
    expect(h[1]).toMatchObject({ reason: 'promote', by: { user: 'tester', host: 'box' } });
    expect(h[2]!.rollbackOf).toBe(2);
    expect(Date.parse(h[0]!.at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('aliases resolve, move, roll back and disappear', async () => {
    await publish(1);
    await publish(2);
    await store.setAlias(M, 'stable', 1);
    await store.setAlias(M, 'stable', 2);
    expect(await store.resolve(`${M}@stable`)).toMatchObject({ version: 2, via: 'alias' });
    await store.rollback(M, { alias: 'stable' });
    expect((await store.resolve(`${M}@stable`)).version).toBe(1);
    await store.removeAlias(M, 'stable');
    await expect(store.resolve(`${M}@stable`)).rejects.toBeInstanceOf(AliasNotFoundError);
    await expect(store.removeAlias(M, 'stable')).rejects.toBeInstanceOf(AliasNotFoundError);
    await expect(store.setAlias(M, '7up', 1)).rejects.toThrow(/invalid alias/);
  });

  it('an expected position that moved meanwhile is a conflict, not an overwrite', async () => {
    await publish(1);
    await publish(2);
    await store.pin(M, 1);
    await expect(store.pin(M, 2, { expect: null })).rejects.toBeInstanceOf(ConflictError);
    expect((await store.head(M))?.pin).toBe(1);
  });

  it('a ref move claimed by a crashed mover is applied by the next one', async () => {
    await publish(1);
    await publish(2);
    // Simulate a mover that wrote its log entry and died before updating the head.
    const entry = {
      schemaVersion: 1,
      model: M,
      seq: 1,
      ref: 'pin',
      action: 'set',
      from: null,
      to: 2,
      at: new Date().toISOString(),
      by: { user: 'ghost', host: 'gone', tool: 'x' },
    };
    await store.driver.putCreateOnly(`models/${M}/@refs/000000000001.json`, enc(JSON.stringify(entry)));
    await store.setAlias(M, 'stable', 1);
    expect(await store.head(M)).toMatchObject({ pin: 2, aliases: { stable: 1 }, seq: 2 });
    expect((await store.history(M)).map((e) => e.by.user)).toEqual(['ghost', 'tester']);
  });
});

describe('integrity', () => {
  it('verify names a file with a flipped byte; reads of it fail; other versions stay clean', async () => {
    await publish(1);
    await store.publish({
      model: M,
      files: [
        { path: 'a.json', data: enc('{"a":1}') },
        { path: 'b.bin', data: enc('bbbb') },
      ],
    });
    const file = join(dir, 'models', M, '@versions', '2', 'files', 'b.bin');
    const bytes = await readFile(file);
    bytes[1] = bytes[1]! ^ 0xff;
    await writeFile(file, bytes);
    const report = await store.verify(`${M}@2`);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.path)).toEqual(['b.bin']);
    expect(report.problems[0]!.problem).toMatch(/SHA-256/);
    expect((await store.verify(`${M}@1`)).ok).toBe(true);
    const rec = await store.readVersion(M, 2);
    await expect(store.readFile(rec.manifest, 'b.bin')).rejects.toBeInstanceOf(IntegrityError);
    const all = await store.verifyAll();
    expect(all.map((r) => [r.version, r.ok])).toEqual([
      [1, true],
      [2, false],
    ]);
  });

  it('a missing file and a malformed manifest are reported, not thrown', async () => {
    await publish(1);
    await publish(2);
    await rm(join(dir, 'models', M, '@versions', '1', 'files', 'weights.json'));
    expect((await store.verify(`${M}@1`)).problems).toEqual([
      { path: 'weights.json', problem: 'missing from storage' },
    ]);
    await writeFile(
      join(dir, 'models', M, '@versions', '2', 'manifest.json'),
      '{"schemaVersion": 1, "model": 3}',
    );
    const r = await store.verify(`${M}@2`);
    expect(r.problems[0]).toMatchObject({ path: 'manifest.json' });
    await expect(store.readVersion(M, 2)).rejects.toBeInstanceOf(ManifestError);
  });

  it('a manifest copied under another version number is rejected', async () => {
    await publish(1);
    await publish(2);
    const m1 = await readFile(join(dir, 'models', M, '@versions', '1', 'manifest.json'));
    const m2 = join(dir, 'models', M, '@versions', '2', 'manifest.json');
    await writeFile(m2, m1);
    await expect(store.resolve(`${M}@2`)).rejects.toThrow(/describes .*@1, not .*@2/);
  });
});

describe('retention', () => {
  it('gc keeps the newest N plus pinned and aliased versions, and --dry-run deletes nothing', async () => {
    for (let i = 1; i <= 6; i++) await publish(i);
    await store.pin(M, 1);
    await store.setAlias(M, 'stable', 2);
    const dry = await store.gc({ keep: 2, dryRun: true });
    expect(dry.actions.map((a) => a.version)).toEqual([3, 4]);
    expect((await store.listVersions(M)).length).toBe(6);
    const real = await store.gc({ keep: 2 });
    expect(real.actions.map((a) => a.version)).toEqual([3, 4]);
    expect((await store.listVersions(M)).map((v) => v.manifest.version)).toEqual([1, 2, 5, 6]);
    await expect(store.resolve(`${M}@3`)).rejects.toBeInstanceOf(VersionNotFoundError);
    expect((await store.publish({ model: M, files: [{ path: 'w', data: enc('7') }] })).version).toBe(7);
    await expect(store.gc({ keep: 0 })).rejects.toThrow(/--keep/);
  });

  it('gc repairs a head left behind by a publisher that died after committing', async () => {
    await publish(1);
    await publish(2);
    // A head that never heard of version 2, put through the driver's own compare-and-swap.
    const headKey = `models/${M}/@head.json`;
    const cur = await store.driver.get(headKey);
    const head = JSON.parse(new TextDecoder().decode(cur.body));
    await store.driver.putIfMatch(headKey, enc(JSON.stringify({ ...head, latest: 1 })), cur.etag);
    expect((await store.resolve(M)).version).toBe(1);
    const r = await store.gc({ keep: 10 });
    expect(r.actions).toContainEqual(expect.objectContaining({ kind: 'repair-head', version: 2 }));
    expect((await store.resolve(M)).version).toBe(2);
  });
});

describe('opening stores', () => {
  it('refuses a directory that is not a store, and a foreign marker', async () => {
    const other = await mkdtemp(join(tmpdir(), 'modelshelf-notstore-'));
    await expect(openStore(other)).rejects.toBeInstanceOf(NotAStoreError);
    await writeFile(join(other, 'modelshelf.json'), '{"format":"something-else"}');
    await expect(openStore(other)).rejects.toThrow(/not a modelshelf store/);
    await rm(other, { recursive: true });
  });

  it('init is idempotent', async () => {
    const again = await openStore(dir, { create: true });
    expect(again.location).toBe(store.location);
  });

  it('a read-only store gives ReadOnlyStoreError and keeps serving reads', async () => {
    await publish(1);
    if (process.getuid?.() === 0) {
      // root ignores permission bits; a read-only bind is what a real read-only mount gives.
      const { FsDriver, openStoreWithDriver } = await import('../src/index.ts');
      const driver = new FsDriver(dir);
      driver.putCreateOnly = async () => {
        throw new ReadOnlyStoreError(dir);
      };
      const ro = await openStoreWithDriver(driver);
      await expect(ro.publish({ model: M, files: [{ path: 'w', data: enc('x') }] })).rejects.toBeInstanceOf(
        ReadOnlyStoreError,
      );
      expect((await ro.resolve(M)).version).toBe(1);
      return;
    }
    await chmod(dir, 0o555);
    await expect(publish(2)).rejects.toBeInstanceOf(ReadOnlyStoreError);
    expect((await store.resolve(M)).version).toBe(1);
  });
});
