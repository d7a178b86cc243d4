// Registry on the local filesystem: publish and resolve latency, and listing a large store
// (1,000 models × 20 versions) beside a naive recursive directory listing of the same tree.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mapLimit, openStore } from '../packages/registry/src/index.ts';
import { type BenchModule, percentile, timeMs } from './harness.ts';

const MODELS = 1000;
const VERSIONS = 20;
const enc = new TextEncoder();

/** What a tool without an index or head documents must do: walk everything and keep the highest n. */
async function naiveLatestByWalking(root: string): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      if (e.name === '@versions') {
        const ns = (await readdir(join(dir, e.name))).map(Number);
        latest.set(rel, Math.max(...ns));
        for (const n of ns) await readdir(join(dir, e.name, String(n)));
      } else await walk(join(dir, e.name), rel ? `${rel}/${e.name}` : e.name);
    }
  };
  await walk(join(root, 'models'), '');
  return latest;
}

const bench: BenchModule = {
  title: 'registry on the local filesystem',
  async run(ctx) {
    const root = join(ctx.tmpDir, 'store');
    const store = await openStore(root, { create: true });
    const weights = enc.encode(
      JSON.stringify({ package: { All_Weights: { Bias_Weight: 1, Numerical_Variables: {} } } }),
    );

    // Publish latency, beside a plain write of the same bytes (the floor any registry pays).
    const pub: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await store.publish({
        model: 'bench/AbsPower/BPFOnly/Latency_0',
        files: [{ path: 'weights.json', data: weights }],
      });
      pub.push(performance.now() - t0);
    }
    const plain: number[] = [];
    const { writeFile } = await import('node:fs/promises');
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await writeFile(join(ctx.tmpDir, `plain-${i}.json`), weights);
      plain.push(performance.now() - t0);
    }
    ctx.row({
      name: 'publish a 1-file version, p50',
      value: percentile(pub, 50),
      unit: 'ms',
      baseline: 'plain writeFile',
      baselineValue: percentile(plain, 50),
    });
    ctx.row({
      name: 'publish a 1-file version, p99',
      value: percentile(pub, 99),
      unit: 'ms',
      baseline: 'plain writeFile',
      baselineValue: percentile(plain, 99),
    });
    const res: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      await store.resolve('bench/AbsPower/BPFOnly/Latency_0');
      res.push(performance.now() - t0);
    }
    ctx.row({ name: 'resolve a model (head + manifest), p50', value: percentile(res, 50), unit: 'ms' });
    ctx.row({ name: 'resolve a model (head + manifest), p99', value: percentile(res, 99), unit: 'ms' });

    // A large store, seeded through the real publish path.
    const seed0 = performance.now();
    const big = await openStore(join(ctx.tmpDir, 'big'), { create: true });
    const names = Array.from({ length: MODELS }, (_, i) => `rapl-sysfs/AbsPower/Group${i % 10}/Trainer_${i}`);
    await mapLimit(names, 16, async (model) => {
      for (let v = 0; v < VERSIONS; v++)
        await big.publish({ model, files: [{ path: 'weights.json', data: weights }] });
    });
    ctx.note(
      `seeded ${MODELS} models × ${VERSIONS} versions in ${((performance.now() - seed0) / 1000).toFixed(1)} s`,
    );

    let listed = 0;
    const ls = await timeMs(async () => {
      listed = (await big.listModels()).length;
    }, 3);
    let walked = 0;
    const naive = await timeMs(async () => {
      walked = (await naiveLatestByWalking(join(ctx.tmpDir, 'big'))).size;
    }, 3);
    if (listed !== MODELS || walked !== MODELS) throw new Error(`listing disagrees: ${listed} vs ${walked}`);
    ctx.row({
      name: `ls: ${MODELS} models × ${VERSIONS} versions with latest/pin/aliases`,
      value: ls,
      unit: 'ms',
      baseline: 'naive recursive readdir',
      baselineValue: naive,
    });
    const one = await timeMs(() => big.listVersions(names[0]!), 5);
    ctx.row({ name: `versions of one model (${VERSIONS} manifests)`, value: one, unit: 'ms' });
  },
};
export default bench;
