// Best-model choice among servable models: a best model this estimator cannot decode (unknown format
// name, or bytes that are intact but no model) or may not serve (unsigned under enforce) gives way to
// the next candidate, and the log and /metrics say which model was refused and why. When nothing can
// be served the request is answered at once with every model tried. The request's trainer_name and
// filter narrow the choice as kepler-model-server's do.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, type Store, signVersion } from '@modelshelf/registry';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEstimator } from '../../src/index.ts';
import { tempDir, tempStore } from '../helpers/store.ts';
import { estimate, nodeRequest } from './client.ts';
import { publishKepler, taggedSpec } from './models.ts';

const GOOD = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const BEST = 'rapl-sysfs/AbsPower/BPFOnly/LinearRegressionTrainer_0';

let store: Store;
let root: string;
let cleanup: () => Promise<void>;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  ({ store, root, cleanup } = await tempStore());
  await publishKepler(store, taggedSpec(1), { model: GOOD, metadata: { mae: 5 } });
});
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await cleanup();
});

/** A logger whose lines are kept, to assert what an operator reads. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

/** GOOD@2: intact bytes that are no weight file, pinned, so nothing can be served. */
async function pinUndecodableVersion() {
  await store.publish({
    model: GOOD,
    files: [{ path: 'w.json', data: new TextEncoder().encode('garbage') }],
    formats: [{ name: 'kepler-weights', files: ['w.json'] }],
    metadata: { features: ['bpf_cpu_time_ms'], mae: 5 },
  });
  await store.pin(GOOD, 2);
}

async function start(extra: Partial<Parameters<typeof startEstimator>[0]> = {}) {
  const socketPath = join(root, '..', `est-${closers.length}.sock`);
  const { logger, lines } = capturingLogger();
  const est = await startEstimator({
    store,
    socketPath,
    metrics: { port: 0 },
    logger,
    // A request that had to wait for a load would fail: every answer here must come without one.
    loadTimeoutMs: 1000,
    ...extra,
  });
  closers.push(() => est.close());
  const metrics = async () => (await fetch(est.metricsUrl!)).text();
  return { est, socketPath, lines, metrics };
}

describe('best-model choice among servable models', () => {
  it('an intact but undecodable best model gives way to the next, and says so in the log and /metrics', async () => {
    await store.publish({
      model: BEST,
      files: [{ path: 'w.json', data: new TextEncoder().encode('{"package": "not weights"}') }],
      formats: [{ name: 'kepler-weights', files: ['w.json'] }],
      metadata: { features: ['bpf_cpu_time_ms'], mae: 1, trainer: 'LinearRegressionTrainer' },
    });
    const { socketPath, lines, metrics } = await start();
    const answer = await estimate(socketPath, nodeRequest([[3]]));
    expect(answer).toMatchObject({ msg: '', model: GOOD, powers: { package: [1003] } });
    const refusal = lines.find((l) => l.msg === 'best model cannot be served; trying the next one');
    expect(refusal).toMatchObject({ model: BEST, reason: 'decode' });
    expect(await metrics()).toMatch(
      new RegExp(`modelshelf_estimator_model_refusals_total\\{[^}]*model="${BEST}",reason="decode"\\} 1`),
    );
  });

  it('a best model declaring only formats this estimator does not know is not chosen at all', async () => {
    await store.publish({
      model: BEST,
      files: [{ path: 'model.onnx', data: new Uint8Array([1, 2, 3]) }],
      formats: [{ name: 'onnx', files: ['model.onnx'] }],
      metadata: { features: ['bpf_cpu_time_ms'], mae: 1 },
    });
    const { socketPath } = await start();
    expect(await estimate(socketPath, nodeRequest([[3]]))).toMatchObject({ msg: '', model: GOOD });
  });

  it('under enforce, an unsigned best model gives way to a signed one', async () => {
    const { dir: keys, cleanup: cleanupKeys } = await tempDir('best-keys-');
    closers.push(cleanupKeys);
    const alice = generateKeyPair();
    await writeFile(join(keys, 'alice.pub.pem'), alice.publicKeyPem);
    await signVersion(store, `${GOOD}@1`, alice.privateKeyPem);
    await publishKepler(store, taggedSpec(9), { model: BEST, metadata: { mae: 1 } });
    const { socketPath, metrics } = await start({
      trust: { requireSignature: 'enforce', trustedKeys: keys },
    });
    expect(await estimate(socketPath, nodeRequest([[3]]))).toMatchObject({ msg: '', model: GOOD });
    expect(await metrics()).toMatch(/modelshelf_estimator_model_refusals_total\{[^}]*reason="untrusted"\} 1/);
  });

  it('when no model can be served, every request is answered at once with what was tried and why', async () => {
    await pinUndecodableVersion();
    const { socketPath } = await start();
    for (let i = 0; i < 3; i++) {
      const answer = await estimate(socketPath, nodeRequest([[3]]));
      expect(answer.powers).toEqual({});
      expect(answer.msg).toContain('no model can be served for rapl-sysfs/AbsPower');
      expect(answer.msg).toContain(`${GOOD}@2 (decode)`);
      expect(answer.msg).not.toMatch(/still loading/);
    }
  });

  it('a choice that found nothing servable is retried after 5 s, then 10 s, 20 s … and serves once a model can be', async () => {
    await pinUndecodableVersion();
    // Only the wall clock the negative cache reads is faked; sockets and the watcher's timers run.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const t0 = Date.now();
      const { socketPath, lines } = await start();
      const attempts = () =>
        lines.filter((l) => l.msg === 'best model cannot be served; trying the next one').length;
      const at = async (seconds: number) => {
        vi.setSystemTime(t0 + seconds * 1000);
        return estimate(socketPath, nodeRequest([[3]]));
      };
      const seen: number[] = [];
      for (const s of [0, 4, 6, 15, 17, 36, 38]) {
        expect((await at(s)).msg).toContain('no model can be served');
        seen.push(attempts());
      }
      // Tries at 0, 6 (5 s after 0), 17 (10 s after 6) and 38 (20 s after 17).
      expect(seen).toEqual([1, 1, 2, 2, 3, 3, 4]);
      await store.unpin(GOOD);
      expect((await at(50)).msg).toContain('no model can be served'); // held until 38 + 40
      expect(await at(79)).toMatchObject({ msg: '', model: GOOD });
    } finally {
      vi.useRealTimers();
    }
  });

  it('an explicit model that cannot be loaded is answered at once with the reason, not "still loading"', async () => {
    const { socketPath } = await start({
      models: [{ source: 'rapl-sysfs', outputType: 'AbsPower', ref: `${GOOD}@7` }],
    });
    const answer = await estimate(socketPath, nodeRequest([[3]]));
    expect(answer.msg).toContain(
      `no model served for rapl-sysfs/AbsPower: cannot load ${GOOD}@7 (not-found)`,
    );
  });
});

describe("the request's trainer_name and filter", () => {
  beforeEach(async () => {
    await publishKepler(store, taggedSpec(2), {
      model: BEST,
      metadata: { mae: 1, mape: 40, trainer: 'LinearRegressionTrainer' },
    });
  });

  it('trainer_name picks among models whose name contains it', async () => {
    const { socketPath } = await start();
    expect((await estimate(socketPath, nodeRequest([[3]]))).model).toBe(BEST);
    const sgd = await estimate(socketPath, nodeRequest([[3]], { trainer_name: 'SGDRegressorTrainer' }));
    expect(sgd).toMatchObject({ msg: '', model: GOOD });
    const none = await estimate(socketPath, nodeRequest([[3]], { trainer_name: 'XGBoostTrainer' }));
    expect(none.msg).toContain('trainer_name XGBoostTrainer');
  });

  it('filter bounds metadata attributes ("mape:10" keeps models with mape <= 10)', async () => {
    await publishKepler(store, taggedSpec(1), { model: GOOD, metadata: { mae: 5, mape: 3 } });
    const { socketPath } = await start();
    const filtered = await estimate(socketPath, nodeRequest([[3]], { filter: 'mape:10' }));
    expect(filtered.model).toBe(GOOD);
    const strict = await estimate(socketPath, nodeRequest([[3]], { filter: 'mae:0.5' }));
    expect(strict.msg).toContain('meets the filter');
    const bad = await estimate(socketPath, nodeRequest([[3]], { filter: 'mae:low' }));
    expect(bad.msg).toContain('invalid "filter"');
  });
});
