// `pnpm demo`: the whole loop on the embedded default, a local directory store.
//   1. train Kepler CounterOnly models from an early slice of real Kepler metrics, publish v1
//   2. start `modelshelf estimator` (a separate process) on a Unix socket, following the model
//   3. ask it for power estimates with Kepler's sidecar protocol: answered by v1
//   4. retrain on the full window, publish v2: the estimator swaps to v2 without a restart
//   5. pin v1: it swaps back; unpin: it follows the latest again; then shut it down with SIGTERM
// Exits non-zero if any step does not happen (CI runs it), and prints what happened and when.
// The store lives in a temporary directory, deleted at the end unless `pnpm demo --keep`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { openStore, type Store } from '@modelshelf/registry';
import { loadPromFile, type PromResults, publishModels, train, trainerByName } from '@modelshelf/trainer';
import { ensureBuilt } from '../packages/cli/scripts/build.mjs';
import { DEMO_USAGE, describeMove, plural } from './demo-text.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(
  ROOT,
  'fixtures/kepler/kepler-model-server/tests/data/prom_output/prom_response_2023-09.json',
);
const CLI = join(ROOT, 'packages/cli/bin/modelshelf.js');
// The estimator runs as the installed binary does: compiled (rebuilt here if its sources changed).
await ensureBuilt();
const MODEL = 'rapl-sysfs/AbsPower/CounterOnly/LinearRegressionTrainer_0';
const FEATURES = ['cache_miss', 'cpu_cycles', 'cpu_instructions'];
const keep = process.argv.includes('--keep');
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(DEMO_USAGE);
  process.exit(0);
}

const t0 = performance.now();
const clock = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s`;
const say = (text: string) => console.log(`${clock()}  ${text}`);
const step = (n: number, text: string) => console.log(`\n${clock()}  ── ${n}. ${text}`);

/** Keeps only the samples before `cutoff` (unix seconds): "the data a trainer had early on". */
function sliceBefore(results: PromResults, cutoff: number): PromResults {
  const out: PromResults = {};
  for (const [metric, series] of Object.entries(results)) {
    out[metric] = series.map((s) => ({ ...s, values: s.values.filter(([ts]) => Number(ts) < cutoff) }));
  }
  return out;
}

async function trainAndPublish(store: Store, results: PromResults, label: string): Promise<number> {
  const result = await train({
    source: { kind: 'prom-results', results, origin: label },
    energySource: 'rapl-sysfs',
    featureGroups: ['CounterOnly'],
    outputTypes: ['AbsPower'],
    trainers: [trainerByName('LinearRegressionTrainer')],
    seed: 0,
  });
  const model = result.models.find((m) => m.name === MODEL);
  if (!model) throw new Error(`training produced no ${MODEL}`);
  const [decision] = await publishModels(store, [model]);
  say(`trained ${MODEL} on ${label}: mae ${model.mae} W → published version ${decision!.version}`);
  return decision!.version!;
}

interface Answer {
  powers: Record<string, number[]>;
  msg: string;
  version?: number;
}

/** One request in Kepler's sidecar protocol: connect, write one JSON object, read until the server closes. */
function ask(socketPath: string, row: number[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let text = '';
    socket.on('connect', () =>
      socket.end(
        JSON.stringify({ metrics: FEATURES, values: [row], output_type: 'AbsPower', source: 'rapl-sysfs' }),
      ),
    );
    socket.on('data', (d) => (text += d));
    socket.on('end', () => {
      try {
        resolve(JSON.parse(text) as Answer);
      } catch (err) {
        reject(err);
      }
    });
    socket.on('error', reject);
  });
}

const describeAnswer = (a: Answer) =>
  `version ${a.version}: ${Object.entries(a.powers)
    .map(([c, [w]]) => `${c} ${w!.toFixed(2)} W`)
    .join(', ')}`;

/** Asks repeatedly until the estimator answers from `version`; returns the wait in ms. */
async function waitForVersion(
  socketPath: string,
  row: number[],
  version: number,
  why: string,
): Promise<number> {
  const start = performance.now();
  for (let attempts = 0; ; attempts++) {
    const a = await ask(socketPath, row);
    if (a.msg) throw new Error(`estimator error: ${a.msg}`);
    if (a.version === version) {
      const ms = performance.now() - start;
      say(
        `estimator now answers from ${describeAnswer(a)}  (${why}; seen after ${ms.toFixed(0)} ms, ${plural(attempts + 1, 'request')}, none failed)`,
      );
      return ms;
    }
    if (performance.now() - start > 30_000)
      throw new Error(`estimator still on version ${a.version}, expected ${version}`);
    await sleep(50);
  }
}

function startEstimatorProcess(store: string, socketPath: string): ChildProcess {
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--store',
      store,
      '--json',
      'estimator',
      '--socket',
      socketPath,
      '--model',
      `rapl-sysfs/AbsPower=${MODEL}`,
      '--no-best',
      '--no-metrics',
      '--poll-interval',
      '250ms',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let buf = '';
  child.stdout!.on('data', (d) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const e = JSON.parse(line) as { event?: string; version?: number; via?: string };
        if (e.event)
          say(
            `  [estimator] ${e.event}${e.version ? ` version ${e.version}` : ''}${e.via ? ` (via ${e.via})` : ''}`,
          );
      } catch {
        say(`  [estimator] ${line}`);
      }
    }
  });
  return child;
}

async function waitForSocket(socketPath: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`estimator exited with ${child.exitCode}`);
    const ok = await ask(socketPath, [0, 0, 0]).then(
      (a) => !a.msg,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error('estimator did not start within 60 s');
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'modelshelf-demo-'));
  const storePath = join(dir, 'store');
  const socketPath = join(dir, 'estimator.sock');
  let estimator: ChildProcess | undefined;
  try {
    step(1, `train and publish to a local directory store (${storePath})`);
    const store = await openStore(storePath, { create: true });
    const all = await loadPromFile(DATA);
    const stamps = Object.values(all)
      .flatMap((s) => s.flatMap((x) => x.values.map(([ts]) => Number(ts))))
      .sort((a, b) => a - b);
    const cutoff = stamps[Math.floor(stamps.length / 3)]!;
    const v1 = await trainAndPublish(
      store,
      sliceBefore(all, cutoff),
      'the first third of the 2023-09 Kepler run',
    );

    step(2, 'start the estimator (a separate process) on a Unix socket, following the model');
    estimator = startEstimatorProcess(storePath, socketPath);
    await waitForSocket(socketPath, estimator);
    say(`estimator listening on ${socketPath}`);

    step(3, "ask for node power with Kepler's sidecar protocol");
    const row = [2.1e6, 3.4e9, 4.2e9]; // cache misses, cycles, instructions per second
    say(`request: ${FEATURES.map((f, i) => `${f}=${row[i]}`).join(', ')}`);
    await waitForVersion(socketPath, row, v1, 'first model');

    step(4, 'retrain on the whole window and publish: the estimator swaps without a restart');
    const v2 = await trainAndPublish(store, all, 'the whole 2023-09 Kepler run');
    await waitForVersion(socketPath, row, v2, 'hot swap to the new version');

    step(5, 'an operator pins the old version, then unpins');
    await store.pin(MODEL, v1, { reason: 'demo: hold estimators on the first model' });
    say(`pinned ${MODEL}@${v1}`);
    await waitForVersion(socketPath, row, v1, 'pin honoured');
    await store.unpin(MODEL, { reason: 'demo: follow the latest again' });
    say(`unpinned ${MODEL}`);
    await waitForVersion(socketPath, row, v2, 'back to the latest');

    const history = await store.history(MODEL);
    say(`history: ${history.map(describeMove).join('; ')}`);
    const report = await store.verifyAll();
    say(`verify: ${report.length} versions, ${report.filter((r) => r.ok).length} intact`);
    await store.close();

    step(6, 'stop the estimator with SIGTERM');
    const exited = new Promise<number | null>((r) => estimator!.on('exit', (code) => r(code)));
    estimator.kill('SIGTERM');
    const code = await exited;
    estimator = undefined;
    if (code !== 0) throw new Error(`estimator exited with ${code} on SIGTERM`);
    say('estimator stopped cleanly (exit 0)');
    console.log(
      `\ndemo finished in ${clock().trim()}; ${keep ? `store kept at ${storePath}` : 'its temporary store is deleted now (pnpm demo --keep keeps it)'}`,
    );
  } finally {
    estimator?.kill('SIGKILL');
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`\ndemo failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
