// The estimator socket: requests per second and p99 latency of Kepler-protocol requests over the Unix
// socket with a linear Kepler model, idle and while new versions are published and swapped in
// continuously, beside the same requests answered in-process (parse → lease → predict → encode, no
// socket: the upper bound). Each connection carries one request, as Kepler's client does.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { encodeKeplerWeights } from '../packages/formats/src/index.ts';
import { predictPowers } from '../packages/loader/src/estimator/predict.ts';
import { encodeResponse, parsePowerRequest } from '../packages/loader/src/estimator/protocol.ts';
import type { DefaultDecoded } from '../packages/loader/src/index.ts';
import { startEstimator, watchModel } from '../packages/loader/src/index.ts';
import { openStore, type Store } from '../packages/registry/src/index.ts';
import { baselineRssMiB, estimatorRssMiB, imageNodeOptions } from './estimator-rss.ts';
import { type BenchContext, type BenchModule, percentile } from './harness.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const FILE = 'SGDRegressorTrainer_0.json';
const FEATURES = ['bpf_cpu_time_ms', 'bpf_page_cache_hit'];
const PHASE_MS = 5000;
const CLIENTS = 8;

const weights = (tag: number) =>
  encodeKeplerWeights({
    components: Object.fromEntries(
      ['package', 'core', 'uncore', 'dram'].map((c, i) => [
        c,
        {
          bias: tag + i,
          features: FEATURES.map((name, j) => ({ name, scale: 1000 * (j + 1), weight: 10 + i + j })),
        },
      ]),
    ),
  });

const publish = (store: Store, tag: number) =>
  store.publish({
    model: MODEL,
    files: [{ path: FILE, data: weights(tag) }],
    metadata: { trainer: 'SGDRegressorTrainer', features: FEATURES, mae: 1 },
    formats: [{ name: 'kepler-weights', files: [FILE] }],
  });

// What Kepler sends for node-level power: one row.
const REQUEST = JSON.stringify({
  metrics: FEATURES,
  values: [[9587.7, 12]],
  output_type: 'AbsPower',
  source: 'rapl-sysfs',
  system_features: null,
  system_values: null,
  trainer_name: '',
  filter: '',
});

// The load generator runs in a worker thread, as Kepler runs in its own process: its JSON and socket
// work does not share the estimator's event loop. Plain JS, so the worker needs no TypeScript loader.
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { connect } = require('node:net');
const { socketPath, ms, clients, request } = workerData;
const ask = () => new Promise((resolve, reject) => {
  const s = connect(socketPath);
  let body = '';
  s.setEncoding('utf8');
  s.on('data', (c) => (body += c));
  s.on('end', () => resolve(body));
  s.on('error', reject);
  s.write(request);
});
(async () => {
  const latencies = [];
  const versions = new Set();
  let failed = 0;
  const t0 = performance.now();
  const end = t0 + ms;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      const start = performance.now();
      try {
        const a = JSON.parse(await ask());
        if (a.msg !== '') failed++; else versions.add(a.version);
      } catch { failed++; }
      latencies.push(performance.now() - start);
    }
  }));
  parentPort.postMessage({ latencies, failed, versions: [...versions], seconds: (performance.now() - t0) / 1000 });
})();
`;

interface Load {
  rps: number;
  p99: number;
  p50: number;
  failed: number;
  versions: Set<number>;
}

async function socketLoad(socketPath: string, ms: number, clients = CLIENTS): Promise<Load> {
  const worker = new Worker(LOAD_WORKER, {
    eval: true,
    workerData: { socketPath, ms, clients, request: REQUEST },
  });
  const r = await new Promise<{ latencies: number[]; failed: number; versions: number[]; seconds: number }>(
    (resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    },
  );
  await worker.terminate();
  return {
    rps: r.latencies.length / r.seconds,
    p99: percentile(r.latencies, 99),
    p50: percentile(r.latencies, 50),
    failed: r.failed,
    versions: new Set(r.versions),
  };
}

/** The upper bound: the estimator's per-request work with no socket, one request at a time. */
async function inProcessLoad(store: Store, ms: number): Promise<Load> {
  const watcher = watchModel<DefaultDecoded>({ store, ref: MODEL, pollIntervalMs: 60_000 });
  await watcher.ready();
  const latencies: number[] = [];
  const end = performance.now() + ms;
  const t0 = performance.now();
  let batch = 0;
  while (performance.now() < end) {
    const start = performance.now();
    const request = parsePowerRequest(REQUEST);
    const lease = watcher.acquire()!;
    try {
      encodeResponse({
        powers: predictPowers(lease.served.value, request),
        msg: '',
        model: lease.served.model,
        version: lease.served.version,
        digest: lease.served.digest,
      });
    } finally {
      lease.release();
    }
    latencies.push(performance.now() - start);
    // Yield now and then, as a server would between requests.
    if (++batch % 1000 === 0) await new Promise((r) => setImmediate(r));
  }
  const elapsed = (performance.now() - t0) / 1000;
  await watcher.close();
  return {
    rps: latencies.length / elapsed,
    p99: percentile(latencies, 99),
    p50: percentile(latencies, 50),
    failed: 0,
    versions: new Set(),
  };
}

/** Resident memory of the real `modelshelf estimator` process with one weight model, beside bare Node. */
async function memory(ctx: BenchContext, root: string): Promise<void> {
  const flags = imageNodeOptions();
  const socket = join(ctx.tmpDir, 'rss.sock');
  for (const [label, options, tsx] of [
    ['sources through tsx', '', true],
    ['sources through tsx, image NODE_OPTIONS', flags, true],
    ['compiled dist, no Node flags', '', false],
    [`compiled dist, image NODE_OPTIONS ${flags}`, flags, false],
  ] as const) {
    const bare = await baselineRssMiB(options);
    const estimator = await estimatorRssMiB(root, MODEL, socket, REQUEST, options, tsx);
    ctx.row({
      name: `estimator RSS, 1 weight model (${label})`,
      value: estimator,
      unit: 'MiB',
      baseline: 'bare node -e setInterval',
      baselineValue: bare,
      target: '<= 64 MiB',
    });
  }
}

async function run(ctx: BenchContext): Promise<void> {
  const root = join(ctx.tmpDir, 'store');
  const store = await openStore(root, { create: true });
  await publish(store, 1);
  await memory(ctx, root);
  const est = await startEstimator({
    store: root,
    socketPath: join(ctx.tmpDir, 'est.sock'),
    models: [{ source: 'rapl-sysfs', outputType: 'AbsPower', ref: MODEL }],
    pollIntervalMs: 20,
    poll: 'always',
  });
  await est.ready();
  try {
    await socketLoad(est.socketPath, 500); // warm-up
    const inProc = await inProcessLoad(store, 3000);
    const idle = await socketLoad(est.socketPath, PHASE_MS);
    // Kepler's own pattern: one client, one request at a time.
    const single = await socketLoad(est.socketPath, 2000, 1);

    // Continuous swaps: a publisher commits a new version as fast as it can, with a short pause.
    let publishing = true;
    let published = 0;
    let swaps = 0;
    const off = est.onUpdate(() => swaps++);
    const publisher = (async () => {
      for (let tag = 2; publishing; tag++) {
        await publish(store, tag);
        published++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    const swapping = await socketLoad(est.socketPath, PHASE_MS);
    publishing = false;
    await publisher;
    off();

    ctx.note(
      `${CLIENTS} concurrent clients in a worker thread (1 for the "1 client" rows), one request ` +
        '(1 row, 2 features, 4 components) per connection; in-process = parse + lease + predict + encode ' +
        'without the socket, one at a time',
    );
    ctx.row({
      name: 'socket, idle: requests/s',
      value: idle.rps,
      unit: 'req/s',
      baseline: 'in-process',
      baselineValue: inProc.rps,
      higherIsBetter: true,
    });
    ctx.row({
      name: 'socket, idle: p99 latency',
      value: idle.p99,
      unit: 'ms',
      baseline: 'in-process',
      baselineValue: inProc.p99,
    });
    ctx.row({
      name: 'socket, during swaps: requests/s',
      value: swapping.rps,
      unit: 'req/s',
      baseline: 'socket idle',
      baselineValue: idle.rps,
      higherIsBetter: true,
    });
    ctx.row({
      name: 'socket, during swaps: p99 latency',
      value: swapping.p99,
      unit: 'ms',
      baseline: 'socket idle',
      baselineValue: idle.p99,
    });
    ctx.row({
      name: 'socket, 1 client: p50 latency',
      value: single.p50,
      unit: 'ms',
      baseline: 'in-process',
      baselineValue: inProc.p50,
    });
    ctx.row({
      name: 'socket, 1 client: p99 latency',
      value: single.p99,
      unit: 'ms',
      baseline: 'in-process',
      baselineValue: inProc.p99,
    });
    ctx.row({ name: 'socket, 1 client: requests/s', value: single.rps, unit: 'req/s' });
    ctx.note(
      `during swaps: ${published} versions published, ${swaps} swaps served, ${swapping.versions.size} versions seen in answers, ` +
        `${swapping.failed + idle.failed + single.failed} failed requests (must be 0)`,
    );
    if (swapping.failed + idle.failed + single.failed > 0) throw new Error('requests failed');
  } finally {
    await est.close();
    await store.close();
  }
}

export default {
  title: 'Estimator: resident memory; socket throughput and p99, idle and during swaps',
  run,
} satisfies BenchModule;
