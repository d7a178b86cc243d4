// Storage that fails under a publish: a full filesystem (a 2 MiB tmpfs), a read-only remount, and an
// S3 gateway killed in the middle of a multipart upload (a second radosgw of our own on the shared
// cluster, scripts/ceph-dev.sh rgw2-start; the shared gateway is never touched). Each time: the
// publish fails with exit code 6 and a sentence naming the store, nothing becomes visible, gc
// reclaims what was left, and the next publish after recovery succeeds. Readers on the read-only
// mount keep working: list, resolve, pull, and the loader's watchModel.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../packages/cli/test/helpers/cli.ts';
import { watchModel } from '../packages/loader/src/index.ts';
import { publishToy, toyDecoder } from '../packages/loader/test/helpers/store.ts';
import type { S3Driver } from '../packages/registry/src/drivers/s3.ts';
import { ModelNotFoundError } from '../packages/registry/src/errors.ts';
import { openStore, type Store } from '../packages/registry/src/store.ts';
import { requireRoot } from '../packages/registry/test/helpers/services.ts';
import { haveS3, pendingUploads, removeAll, testUri } from '../packages/registry/test/s3/env.ts';
import { killWorkers, resultOf, startWorker } from '../packages/registry/test/s3/spawn.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const REPO = new URL('..', import.meta.url).pathname;

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: REPO });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** A tmpfs of `size` mounted on a fresh directory; unmounted and removed by the returned function. */
async function tmpfs(size: string): Promise<{ dir: string; unmount(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'modelshelf-faults-'));
  sh('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  return {
    dir,
    async unmount() {
      spawnSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('a full filesystem (2 MiB tmpfs)', () => {
  if (!requireRoot('full filesystem')) return;
  let fs: Awaited<ReturnType<typeof tmpfs>>;
  let src: string;
  beforeAll(async () => {
    fs = await tmpfs('2m');
    src = await mkdtemp(join(tmpdir(), 'modelshelf-faults-src-'));
  });
  afterAll(async () => {
    await fs?.unmount();
    await rm(src, { recursive: true, force: true });
  });

  it('the publish fails with exit 6 naming the store, nothing is visible, gc reclaims, the next publish works', async () => {
    const store = join(fs.dir, 'store');
    expect((await runCli(['--store', store, 'init'])).code).toBe(0);
    await writeFile(join(src, 'weights.json'), '{"w":1}');
    expect((await runCli(['--store', store, 'push', MODEL, join(src, 'weights.json')])).code).toBe(0);
    await writeFile(join(src, 'big.bin'), Buffer.alloc(3 * 1024 * 1024, 7));

    const full = await runCli(['--store', store, 'push', MODEL, join(src, 'big.bin')]);
    expect(full.code, full.stderr).toBe(6);
    expect(full.stderr).toContain(`store ${store} is full`);
    expect(full.stderr).toMatch(/ENOSPC/);

    const s = await openStore(store);
    expect((await s.listVersions(MODEL)).map((v) => v.manifest.version)).toEqual([1]);
    expect((await s.resolve(MODEL)).version).toBe(1);
    for (const r of await s.verifyAll()) expect(r.problems).toEqual([]);
    // The failed write removed its own temp file; the reservation of version 2 waits for gc.
    expect(await readdir(join(store, '.tmp')).catch(() => [])).toEqual([]);
    const report = await s.gc({ graceMs: 0 });
    expect(report.actions).toContainEqual(
      expect.objectContaining({ kind: 'reclaim-reservation', model: MODEL, version: 2 }),
    );

    await writeFile(join(src, 'weights.json'), '{"w":3}');
    const next = await runCli(['--store', store, 'push', MODEL, join(src, 'weights.json')]);
    expect(next.code, next.stderr).toBe(0);
    expect((await s.resolve(MODEL)).version).toBe(3);
    await s.close();
  });
});

describe('a read-only remount', () => {
  if (!requireRoot('read-only remount')) return;
  let fs: Awaited<ReturnType<typeof tmpfs>>;
  let store: string;
  let writer: Store;
  let src: string;
  beforeAll(async () => {
    fs = await tmpfs('16m');
    src = await mkdtemp(join(tmpdir(), 'modelshelf-faults-src-'));
    store = join(fs.dir, 'store');
    writer = await openStore(store, { create: true });
    await publishToy(writer, MODEL, 1);
    await publishToy(writer, MODEL, 2);
    sh('mount', ['-o', 'remount,ro', fs.dir]);
  });
  afterAll(async () => {
    spawnSync('mount', ['-o', 'remount,rw', fs.dir]);
    await writer?.close();
    await fs?.unmount();
    await rm(src, { recursive: true, force: true });
  });

  it('publish and pin fail with exit 6 naming the store; nothing changes', async () => {
    await writeFile(join(src, 'weights.json'), '{"w":9}');
    const pushed = await runCli(['--store', store, 'push', MODEL, join(src, 'weights.json')]);
    expect(pushed.code, pushed.stderr).toBe(6);
    expect(pushed.stderr).toContain(`store ${store} is read-only`);
    const pinned = await runCli(['--store', store, 'pin', `${MODEL}@1`]);
    expect(pinned.code, pinned.stderr).toBe(6);
    expect((await writer.head(MODEL))?.pin).toBeNull();
    expect((await writer.resolve(MODEL)).version).toBe(2);
  });

  it('readers keep working: ls, resolve, pull, watchModel', async () => {
    const ls = await runCli(['--store', store, 'ls', '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain(MODEL);
    const reader = await openStore(store);
    expect((await reader.resolve(MODEL)).version).toBe(2);
    const out = join(src, 'pulled');
    const pulled = await runCli(['--store', store, 'pull', MODEL, out]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['model.json']);
    const w = watchModel({ store: reader, ref: MODEL, decode: toyDecoder, pollIntervalMs: 100 });
    try {
      await w.ready();
      expect(w.current()?.version).toBe(2);
    } finally {
      await w.close();
      await reader.close();
    }
  });

  it('after remounting read-write the next publish succeeds', async () => {
    sh('mount', ['-o', 'remount,rw', fs.dir]);
    try {
      expect((await publishToy(writer, MODEL, 3)).version).toBe(3);
    } finally {
      sh('mount', ['-o', 'remount,ro', fs.dir]);
    }
  });
});

describe('an S3 gateway killed mid multipart upload', () => {
  if (!haveS3('gateway killed mid-publish')) return;
  if (!requireRoot('gateway killed mid-publish')) return;
  let endpoint2: string;
  let viaMain: Store;
  let uri: string;
  let uri2: string;
  beforeAll(async () => {
    // Our own gateway on the shared cluster: same bucket and users, another port.
    endpoint2 = /MODELSHELF_TEST_S3_ENDPOINT2=(\S+)/.exec(
      sh('bash', ['scripts/ceph-dev.sh', 'rgw2-start']),
    )![1]!;
    uri = testUri('outage');
    uri2 = uri.replace(/endpoint=[^&]*/, `endpoint=${encodeURIComponent(endpoint2)}`);
    viaMain = await openStore(uri, { create: true });
  });
  afterAll(async () => {
    killWorkers();
    spawnSync('bash', ['scripts/ceph-dev.sh', 'rgw2-stop'], { cwd: REPO });
    if (viaMain) {
      await removeAll(viaMain.driver as S3Driver);
      await viaMain.close();
    }
  });

  it('the publish fails with exit 6 naming the store, nothing is visible, gc reclaims, the next publish works', async () => {
    const w = startWorker('publish', [uri2, MODEL, 'big', '64', '40']);
    await w.waitFor(/^progress (1[6-9]|[2-9]\d)\d{6}/, 90_000);
    sh('bash', ['scripts/ceph-dev.sh', 'rgw2-kill']);
    expect(await w.exited, w.stderr()).toBe(6);
    expect(w.stderr()).toContain(`storage ${viaMain.location} is unavailable`);

    // Seen through the shared gateway: an incomplete multipart upload and nothing else.
    const driver = viaMain.driver as S3Driver;
    expect(await pendingUploads(driver)).toEqual([`models/${MODEL}/@versions/1/files/big.bin`]);
    await expect(viaMain.resolve(MODEL)).rejects.toBeInstanceOf(ModelNotFoundError);
    expect(await driver.stat(`models/${MODEL}/@versions/1/files/big.bin`)).toBeUndefined();
    const report = JSON.stringify(await viaMain.gc({ graceMs: 0 }));
    expect(report).toContain('incomplete multipart upload');
    expect(report).toContain('reclaim-reservation');
    expect(await pendingUploads(driver)).toEqual([]);

    // The gateway is back: the next publish through it succeeds.
    sh('bash', ['scripts/ceph-dev.sh', 'rgw2-start']);
    const ok = startWorker('publish', [uri2, MODEL, 'big', '12', '0']);
    const r = await resultOf<{ version: number }>(ok, 120_000);
    expect(await ok.exited).toBe(0);
    expect((await viaMain.resolve(MODEL)).version).toBe(r.version);
    expect((await viaMain.verify(`${MODEL}@${r.version}`)).problems).toEqual([]);
  }, 240_000);
});
