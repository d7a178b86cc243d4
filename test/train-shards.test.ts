// `modelshelf train --shard I/N` as a cluster runs it: four shard processes started at once, publishing into
// one store — a Ceph RGW bucket, and a CephFS directory through two ceph-fuse mounts (two machines) — must
// publish exactly the models of one unsharded run, byte for byte, one version each (none lost, none doubled),
// and leave one run summary per shard that together account for every model.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../packages/cli/test/helpers/cli.ts';
import { randomName, requireEnv, s3StoreUri } from '../packages/loader/test/helpers/services.ts';
import { listAll, openStore, type Store } from '../packages/registry/src/index.ts';

const CSV = join(
  import.meta.dirname,
  '../fixtures/kepler/kepler-model-db/models/v0.6/nx12/preprocessed_data/preprocess_abs_default_rapl_BPFOnly.csv',
);
// Fast trainers (the run is about distribution, not fitting): 2 output types × 6 trainers = 12 models.
const TRAINERS = [
  'LinearRegressionTrainer',
  'SGDRegressorTrainer',
  'PolynomialRegressionTrainer',
  'GradientBoostingRegressorTrainer',
  'KNeighborsRegressorTrainer',
  'LogarithmicRegressionTrainer',
].join(',');
const TRAIN = [
  'train',
  '--data',
  CSV,
  '--energy-source',
  'rapl',
  '--feature-groups',
  'BPFOnly=bpf_cpu_time_us',
  '--trainers',
  TRAINERS,
  '--seed',
  '3',
];
const SHARDS = 4;
const TIMEOUT = 240_000;

const ok = (r: CliResult, what: string) => {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r;
};

/** model name → { path → bytes as hex } for every version, plus the version numbers. */
async function contents(store: Store) {
  const out: Record<string, { versions: number[]; files: Record<string, string> }> = {};
  for (const name of await store.listModelNames()) {
    const versions = await store.listVersions(name);
    const files: Record<string, string> = {};
    for (const v of versions) {
      for (const f of v.manifest.files) {
        files[`${v.manifest.version}:${f.path}`] = Buffer.from(
          await store.readFile(v.manifest, f.path),
        ).toString('hex');
      }
    }
    out[name] = { versions: versions.map((v) => v.manifest.version), files };
  }
  return out;
}

let reference: Awaited<ReturnType<typeof contents>> | undefined;
async function unshardedReference() {
  if (reference) return reference;
  const root = await mkdtemp(join(tmpdir(), 'modelshelf-shards-'));
  try {
    const dir = join(root, 'store');
    ok(await runCli(['--store', dir, 'init']), 'init');
    ok(await runCli(['--store', dir, ...TRAIN]), 'unsharded train');
    const store = await openStore(dir);
    reference = await contents(store);
    await store.close();
    return reference;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Runs the four shards at once; shard i talks to stores[i % stores.length] (the same store). */
async function shardedRun(stores: string[], run: string, env: Record<string, string | undefined> = {}) {
  ok(await runCli(['--store', stores[0]!, 'init'], env), 'init');
  const results = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) =>
      runCli(
        ['--store', stores[i % stores.length]!, ...TRAIN, '--shard', `${i}/${SHARDS}`, '--run-id', run],
        env,
      ),
    ),
  );
  for (const [i, r] of results.entries()) ok(r, `shard ${i}/${SHARDS}`);
}

async function expectSameAsUnsharded(store: Store, run: string) {
  const [want, got] = await Promise.all([unshardedReference(), contents(store)]);
  expect(Object.keys(want)).toHaveLength(12);
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [name, w] of Object.entries(want)) {
    expect(got[name]!.versions, name).toEqual([1]);
    expect(got[name]!.files, name).toEqual(w.files);
  }
  const records = await store.readRunRecords(run);
  expect(Object.keys(records).sort()).toEqual(
    Array.from({ length: SHARDS }, (_, i) => `shard-${i}-of-${SHARDS}`).sort(),
  );
  const published = Object.values(records).flatMap((r) =>
    (r.published as { model: string; version: number }[]).map((p) => `${p.model}@${p.version}`),
  );
  expect(published.sort()).toEqual(
    Object.keys(want)
      .map((n) => `${n}@1`)
      .sort(),
  );
  for (const r of Object.values(records)) {
    expect(r).toMatchObject({ format: 'modelshelf-train-run', run, models: { total: 12, assigned: 3 } });
  }
}

const rgw = requireEnv('train-shards-rgw', ['MODELSHELF_TEST_S3_ENDPOINT', 'MODELSHELF_TEST_S3_BUCKET']);
describe.runIf(rgw.ok)('train --shard: four processes into one Ceph RGW bucket', () => {
  const { env } = rgw;
  const uri = s3StoreUri(env.MODELSHELF_TEST_S3_BUCKET!, env.MODELSHELF_TEST_S3_ENDPOINT!, 'train-shards');
  let store: Store | undefined;
  afterAll(async () => {
    if (!store) return;
    const keys: string[] = [];
    for await (const o of listAll(store.driver, '')) keys.push(o.key);
    for (const k of keys) await store.driver.delete(k);
    await store.close();
  });

  it(
    'publishes the unsharded run’s models with the same bytes, one version each, and four summaries',
    async () => {
      const run = randomName('run');
      await shardedRun([uri], run);
      store = await openStore(uri);
      await expectSameAsUnsharded(store, run);
    },
    TIMEOUT,
  );
});

const cephfs = requireEnv('train-shards-cephfs', ['MODELSHELF_TEST_CEPHFS_A', 'MODELSHELF_TEST_CEPHFS_B']);
describe.runIf(cephfs.ok)(
  'train --shard: four processes into one CephFS directory through two mounts',
  () => {
    const { env } = cephfs;
    const dir = randomName('train-shards');
    const a = join(env.MODELSHELF_TEST_CEPHFS_A!, dir);
    const b = join(env.MODELSHELF_TEST_CEPHFS_B!, dir);
    let store: Store | undefined;
    afterAll(async () => {
      await store?.close();
      await rm(a, { recursive: true, force: true });
    });

    it(
      'shards on mount A and on mount B publish the unsharded run’s models, read back through B',
      async () => {
        const run = randomName('run');
        await shardedRun([a, b], run);
        store = await openStore(b);
        await expectSameAsUnsharded(store, run);
      },
      TIMEOUT,
    );
  },
);
