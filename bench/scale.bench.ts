// A fleet of watchers following one model that is republished every few seconds: 1,000 watchers (split over
// a few child processes, bench/scale-fleet.ts) against Ceph RGW and against CephFS (publisher on mount A,
// watchers on mount B), the loader's `watchModel` beside a naive poller that re-lists the model's keys on
// every poll, one after the other on the same store and the same publish cadence. Reported: storage
// requests per second (counted in a wrapper around each process's driver), publish → swap latency over
// every (watcher, version) pair, and CPU per watcher. docs/benchmarks.md extrapolates the figures.
//
// SCALE_WATCHERS (default 1000), SCALE_PROCESSES (4), SCALE_POLL_MS (20000), SCALE_PUBLISH_MS (10000),
// SCALE_PUBLISHES (3), SCALE_ONLY (rgw | cephfs). One phase lasts about one poll interval of start-up (longer
// when the server is the bottleneck), then publishes × publish interval + one poll interval. Every watcher
// has at most one request in flight (the next poll is timed from the end of the last), so a saturated
// server slows the fleet down instead of piling up requests without bound.
import { type ChildProcess, fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '../packages/registry/src/index.ts';
import { type BenchContext, type BenchModule, percentile } from './harness.ts';
import type { FleetConfig, FleetReport } from './scale-fleet.ts';

const WATCHERS = Number(process.env.SCALE_WATCHERS ?? 1000);
const PROCESSES = Number(process.env.SCALE_PROCESSES ?? 4);
const POLL_MS = Number(process.env.SCALE_POLL_MS ?? 20_000);
const PUBLISH_MS = Number(process.env.SCALE_PUBLISH_MS ?? 10_000);
const PUBLISHES = Number(process.env.SCALE_PUBLISHES ?? 3);
const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/LinearRegressionTrainer_0';
const FLEET = fileURLToPath(new URL('./scale-fleet.ts', import.meta.url));

interface PhaseResult {
  reports: FleetReport[];
  /** When each version's publish() returned, by version. */
  publishedAt: Map<number, number>;
  windowMs: number;
  /** How often an S3 client reported requests queued behind its 64-socket pool. */
  queuedWarnings: number;
}

function send(child: ChildProcess, msg: unknown): void {
  child.send(msg as object);
}

function waitFor<T>(child: ChildProcess, type: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`fleet process ${child.pid}: no ${type} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (m: { type: string } & Record<string, unknown>) => {
      if (m.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`fleet process ${child.pid} exited with ${code} before ${type}`));
    });
  });
}

async function phase(publisher: Store, location: string, mode: FleetConfig['mode']): Promise<PhaseResult> {
  const children: ChildProcess[] = [];
  let queuedWarnings = 0;
  try {
    const per = Math.ceil(WATCHERS / PROCESSES);
    for (let p = 0; p < PROCESSES; p++) {
      const count = Math.min(per, WATCHERS - p * per);
      if (count <= 0) break;
      const child = fork(FLEET, [], {
        // Inherits bench/run.ts's setting that silences the AWS SDK's Node-version notice.
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      });
      children.push(child);
      // The S3 client warns on stderr each time requests queue behind its socket pool: count, do not print.
      child.stderr?.setEncoding('utf8').on('data', (text: string) => {
        for (const line of text.split('\n')) {
          if (/socket usage at capacity/.test(line)) queuedWarnings++;
          else if (line.trim() && !/maxsockets|socketAcquisitionWarningTimeout/i.test(line))
            process.stderr.write(`${line}\n`);
        }
      });
      const config: FleetConfig = { store: location, model: MODEL, count, pollIntervalMs: POLL_MS, mode };
      send(child, { type: 'start', config });
    }
    // Start-up is spread over one poll interval; the first loads of 1,000 watchers may queue behind it.
    await Promise.all(children.map((c) => waitFor(c, 'ready', 10 * POLL_MS + 60_000)));
    for (const c of children) send(c, { type: 'measure' });
    const started = Date.now();
    const publishedAt = new Map<number, number>();
    for (let i = 0; i < PUBLISHES; i++) {
      const { version } = await publisher.publish({ model: MODEL, files: [payload(i)] });
      publishedAt.set(version, Date.now());
      await sleep(Math.max(0, started + (i + 1) * PUBLISH_MS - Date.now()));
    }
    // One more poll interval (and a margin) for the last version to reach every watcher.
    await sleep(POLL_MS + 2000);
    const windowMs = Date.now() - started;
    const reports = children.map((c) => waitFor<{ report: FleetReport }>(c, 'report', 60_000));
    for (const c of children) send(c, { type: 'stop' });
    return {
      reports: (await Promise.all(reports)).map((r) => r.report),
      publishedAt,
      windowMs,
      queuedWarnings,
    };
  } finally {
    for (const c of children) {
      // Each fleet process we forked, by its pid; one that has just exited is not an error.
      if (c.exitCode === null && c.pid !== undefined) {
        try {
          process.kill(c.pid);
        } catch {}
      }
    }
  }
}

function summarise(ctx: BenchContext, label: string, ours: PhaseResult, naive: PhaseResult): void {
  const stats = (r: PhaseResult) => {
    const requests: Record<string, number> = {};
    let cpu = 0;
    let failures = 0;
    let keys = 0;
    const lat: number[] = [];
    const commit: number[] = [];
    for (const rep of r.reports) {
      for (const [k, v] of Object.entries(rep.requests)) requests[k] = (requests[k] ?? 0) + v;
      cpu += rep.cpuMicros;
      failures += rep.failures;
      keys += rep.keysListed;
      for (const s of rep.swaps) {
        const at = r.publishedAt.get(s.version);
        if (at !== undefined) lat.push(s.at - at);
        if (s.propagationMs !== undefined) commit.push(s.propagationMs);
      }
    }
    const total = Object.values(requests).reduce((a, b) => a + b, 0);
    const seconds = r.windowMs / 1000;
    // A watcher whose poll comes after two publishes swaps straight to the newer one (the older is never
    // served): latency counts from the commit of the version actually served.
    return { requests, total, perSecond: total / seconds, cpu, failures, keys, lat, commit, seconds };
  };
  const a = stats(ours);
  const b = stats(naive);
  const base = 'naive re-list every poll';
  const fmtReq = (r: Record<string, number>) =>
    Object.entries(r)
      .sort()
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  ctx.note(
    `${label}: ${WATCHERS} watchers in ${PROCESSES} processes, poll ${POLL_MS} ms, ${PUBLISHES} publishes every ${PUBLISH_MS} ms, window ${a.seconds.toFixed(0)} s / ${b.seconds.toFixed(0)} s`,
  );
  ctx.note(
    `${label}: loader requests ${fmtReq(a.requests)}; ${a.lat.length} swaps, ${a.failures} errors, ${ours.queuedWarnings} socket-pool queue warnings`,
  );
  ctx.note(
    `${label}: baseline requests ${fmtReq(b.requests)}; ${b.lat.length} swaps, ${b.failures} errors, ${b.keys} keys listed, ${naive.queuedWarnings} socket-pool queue warnings`,
  );
  ctx.row({
    name: `${label}: storage requests / s`,
    value: a.perSecond,
    unit: 'req/s',
    baseline: base,
    baselineValue: b.perSecond,
  });
  ctx.row({
    name: `${label}: storage requests / watcher / poll interval`,
    value: a.total / WATCHERS / (a.seconds * (1000 / POLL_MS)),
    unit: 'req',
    baseline: base,
    baselineValue: b.total / WATCHERS / (b.seconds * (1000 / POLL_MS)),
  });
  for (const p of [50, 99, 100]) {
    ctx.row({
      name: `${label}: publish() returned → swap ${p === 100 ? 'max' : `p${p}`}`,
      value: percentile(a.lat, p),
      unit: 'ms',
      baseline: base,
      baselineValue: percentile(b.lat, p),
    });
  }
  if (a.commit.length > 0) {
    ctx.row({
      name: `${label}: commit → swap p50 / p99 (loader's propagationMs)`,
      value: percentile(a.commit, 50),
      unit: `ms / ${percentile(a.commit, 99).toFixed(0)} ms`,
    });
  }
  ctx.row({
    name: `${label}: CPU per watcher`,
    value: a.cpu / 1000 / WATCHERS / a.seconds,
    unit: 'ms/s',
    baseline: base,
    baselineValue: b.cpu / 1000 / WATCHERS / b.seconds,
  });
  const rss = (r: PhaseResult) => r.reports.reduce((s, x) => s + x.rssBytes, 0) / WATCHERS / 1024;
  ctx.row({
    name: `${label}: resident memory per watcher`,
    value: rss(ours),
    unit: 'KiB',
    baseline: base,
    baselineValue: rss(naive),
  });
}

async function scenario(ctx: BenchContext, label: string, publisherLocation: string, readerLocation: string) {
  const publisher = await openStore(publisherLocation, { create: true });
  try {
    await publisher.publish({ model: MODEL, files: [payload(-1)] });
    const ours = await phase(publisher, readerLocation, 'loader');
    const naive = await phase(publisher, readerLocation, 'naive');
    summarise(ctx, label, ours, naive);
  } finally {
    await publisher.close();
  }
}

const payload = (i: number) => ({
  path: 'model.json',
  data: new TextEncoder().encode(JSON.stringify({ version: i, weights: [0.5, 1.5] })),
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = () => `bench-scale-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

const bench: BenchModule = {
  title: `Scale: ${WATCHERS} watchers following a republished model (loader vs naive re-list)`,
  skip() {
    const s3 = process.env.MODELSHELF_TEST_S3_ENDPOINT && process.env.MODELSHELF_TEST_S3_BUCKET;
    const fs = process.env.MODELSHELF_TEST_CEPHFS_A && process.env.MODELSHELF_TEST_CEPHFS_B;
    return s3 || fs
      ? undefined
      : 'needs RGW (MODELSHELF_TEST_S3_ENDPOINT/BUCKET) or CephFS (MODELSHELF_TEST_CEPHFS_A/B): eval "$(scripts/ceph-dev.sh up)"';
  },
  async run(ctx) {
    const only = process.env.SCALE_ONLY; // "rgw" or "cephfs"
    const endpoint = process.env.MODELSHELF_TEST_S3_ENDPOINT;
    const bucket = process.env.MODELSHELF_TEST_S3_BUCKET;
    if (endpoint && bucket && only !== 'cephfs') {
      const prefix = rand();
      const uri = `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(endpoint)}`;
      try {
        await scenario(ctx, 'RGW', uri, uri);
      } finally {
        await removeS3Prefix(uri);
      }
    } else ctx.note('RGW skipped (unset, or SCALE_ONLY=cephfs)');
    const a = process.env.MODELSHELF_TEST_CEPHFS_A;
    const b = process.env.MODELSHELF_TEST_CEPHFS_B;
    if (a && b && only !== 'rgw') {
      const dir = rand();
      try {
        await scenario(ctx, 'CephFS B ← A', join(a, dir), join(b, dir));
      } finally {
        await rm(join(a, dir), { recursive: true, force: true });
      }
    } else ctx.note('CephFS skipped (unset, or SCALE_ONLY=rgw)');
  },
};

/** Deletes every key the run wrote under its random prefix. */
async function removeS3Prefix(uri: string): Promise<void> {
  const { driverFor, listAll, mapLimit } = await import('../packages/registry/src/index.ts');
  const driver = await driverFor(uri);
  try {
    const keys: string[] = [];
    for await (const o of listAll(driver, '')) keys.push(o.key);
    await mapLimit(keys, 32, (k) => driver.delete(k));
  } finally {
    await driver.close?.();
  }
}

export default bench;
