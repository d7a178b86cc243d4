// Where a publish spends its time on a filesystem store: every fs call of Store.publish() timed and
// grouped by the commit step it serves (index entry, reservation, file, manifest, head read, head
// compare-and-swap), on the local disk and on a ceph-fuse mount. The baseline, measured in the same
// run on the same directory, is one durable create-only write done by hand (temp file, fsync, link,
// directory fsync): the unit a publish is made of. On CephFS it runs twice: alone, and with the
// loader following the model through the other mount, as an estimator on another node does (every
// poll there takes capabilities that the publisher's mount must get back from the MDS).
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { watchModel } from '../packages/loader/src/index.ts';
import { FsDriver } from '../packages/registry/src/drivers/fs.ts';
import { openStoreWithDriver, type StorageDriver } from '../packages/registry/src/index.ts';
import { type FsOpRecorder, recordFsOps } from './fs-op-recorder.ts';
import { type BenchContext, type BenchModule, percentile } from './harness.ts';

const PUBLISHES = Number(process.env.BREAKDOWN_PUBLISHES ?? 20);
const WARMUP = 3;
const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const BODY = randomBytes(1024);

/** The commit step a driver call belongs to (docs/layout.md, "Commit protocol"). */
function stepOf(method: string, key: string): string {
  if (method === 'putIfMatch') return '5 head CAS';
  if (key.endsWith('@head.json')) return method === 'putCreateOnly' ? '5 head create' : 'head read';
  if (key.startsWith('index/')) return '1 index entry';
  if (key.endsWith('/reservation.json')) return '2 reservation';
  if (key.includes('/files/')) return '3 file';
  if (key.endsWith('/manifest.json')) return '4 manifest';
  return method;
}

/** Labels each driver call with its step, so the fs calls inside it are counted there. */
function labelled(driver: StorageDriver, recorder: FsOpRecorder): StorageDriver {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        recorder.phase = stepOf(String(prop), String(args[0]));
        try {
          return await value.apply(target, args);
        } finally {
          recorder.phase = 'other';
        }
      };
    },
  });
}

/** One create-only durable write by hand, the unit a publish is made of. */
async function durableWrite(dir: string, i: number): Promise<void> {
  const tmp = join(dir, `.tmp-${i}`);
  const fh = await open(tmp, 'wx');
  await fh.writeFile(BODY);
  await fh.sync();
  await fh.close();
  await link(tmp, join(dir, `object-${i}`));
  const d = await open(dir, 'r');
  await d.sync();
  await d.close();
  await unlink(tmp);
}

/** Starts following the model in `storeRoot` (through another mount); returns how to stop. */
type Follower = (storeRoot: string) => Promise<() => Promise<void>>;

async function breakdown(ctx: BenchContext, label: string, root: string, follow?: Follower): Promise<void> {
  const recorder = await recordFsOps(root);
  let unfollow: (() => Promise<void>) | undefined;
  try {
    const store = await openStoreWithDriver(labelled(new FsDriver(join(root, 'store')), recorder), {
      create: true,
    });
    const publishMs: number[] = [];
    for (let i = 0; i < WARMUP + PUBLISHES; i++) {
      if (i === WARMUP) {
        unfollow = await follow?.(join(root, 'store'));
        recorder.reset();
      }
      const started = performance.now();
      await store.publish({ model: MODEL, files: [{ path: 'weights.json', data: BODY }] });
      if (i >= WARMUP) publishMs.push(performance.now() - started);
    }
    const totals = structuredClone(recorder.totals);
    recorder.restore();
    await unfollow?.();
    unfollow = undefined;

    const plain = join(root, 'plain');
    await mkdir(plain, { recursive: true });
    const writeMs: number[] = [];
    for (let i = 0; i < WARMUP + PUBLISHES; i++) {
      const started = performance.now();
      await durableWrite(plain, i);
      if (i >= WARMUP) writeMs.push(performance.now() - started);
    }

    const p50 = percentile(publishMs, 50);
    ctx.row({
      name: `${label}: publish a 1 KiB version, p50`,
      value: p50,
      unit: 'ms',
      baseline: 'one durable create-only write',
      baselineValue: percentile(writeMs, 50),
    });
    ctx.note(`${label}: publish p99 ${percentile(publishMs, 99).toFixed(1)} ms; per publish, by step:`);
    for (const [step, byOp] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const ops = [...byOp].sort(([, a], [, b]) => b.ms - a.ms);
      const stepMs = ops.reduce((s, [, t]) => s + t.ms, 0) / PUBLISHES;
      const calls = ops.reduce((s, [, t]) => s + t.count, 0) / PUBLISHES;
      const detail = ops
        .map(([op, t]) => `${op} ${(t.count / PUBLISHES).toFixed(1)}× ${(t.ms / PUBLISHES).toFixed(1)} ms`)
        .join(', ');
      ctx.note(
        `  ${step.padEnd(16)} ${stepMs.toFixed(1).padStart(7)} ms in ${calls.toFixed(1)} calls: ${detail}`,
      );
    }
  } finally {
    recorder.restore();
    await unfollow?.();
  }
}

/** The loader watching the model through mount B, polling every 500 ms (as the propagation bench). */
function followThrough(mountA: string, mountB: string): Follower {
  return async (storeRoot) => {
    const store = await openStoreWithDriver(new FsDriver(join(mountB, storeRoot.slice(mountA.length))));
    const watcher = watchModel({ store, ref: MODEL, decode: async () => null, pollIntervalMs: 500 });
    await watcher.ready();
    return async () => {
      await watcher.close();
      await store.close();
    };
  };
}

const bench: BenchModule = {
  title: 'Commit breakdown on filesystems (where a publish spends its time)',
  async run(ctx) {
    await breakdown(ctx, 'local disk', ctx.tmpDir);
    const a = process.env.MODELSHELF_TEST_CEPHFS_A;
    const b = process.env.MODELSHELF_TEST_CEPHFS_B;
    if (!a || !b) {
      ctx.note('CephFS skipped: MODELSHELF_TEST_CEPHFS_A/B unset (eval "$(bash scripts/ceph-dev.sh up)")');
      return;
    }
    const dir = join(a, `breakdown-${randomBytes(4).toString('hex')}`);
    try {
      await breakdown(ctx, 'CephFS, alone', join(dir, 'alone'));
      await breakdown(ctx, 'CephFS, loader following on mount B', join(dir, 'followed'), followThrough(a, b));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
