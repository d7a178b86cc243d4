// S3 driver against a real S3 server (Ceph RGW from scripts/ceph-dev.sh) on loopback:
//   - push and pull of a 256 MiB artifact through the Store beside `aws s3 cp` of the same file
//   - storage requests per idle poll of a model head beside a naive poll (list versions + manifest)
//   - listModels over many models × versions beside a naive recursive listing of the store prefix
// Sizes: MODELSHELF_BENCH_S3_MIB (default 256), MODELSHELF_BENCH_S3_MODELS (default 1000),
// MODELSHELF_BENCH_S3_VERSIONS (default 20), MODELSHELF_BENCH_S3_LIST_RUNS (default 3; medians).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseS3Uri } from '../packages/registry/src/drivers/s3/uri.ts';
import { S3Driver } from '../packages/registry/src/drivers/s3.ts';
import { headKey, INDEX_SUMMARY_KEY, indexKey, manifestKey } from '../packages/registry/src/layout.ts';
import { encodeDocument, SCHEMA_VERSION } from '../packages/registry/src/schema.ts';
import { mapLimit } from '../packages/registry/src/store/context.ts';
import { openStoreWithDriver, type Store } from '../packages/registry/src/store.ts';
import type { BenchContext, BenchModule } from './harness.ts';

const run = promisify(execFile);
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
const MiB = 1024 * 1024;
const env = process.env;

function counting(driver: S3Driver): { get(): number; reset(): void } {
  let n = 0;
  driver.client.middlewareStack.add(
    (next) => async (args) => {
      n++;
      return next(args);
    },
    { step: 'deserialize', name: 'benchRequestCounter' },
  );
  return { get: () => n, reset: () => (n = 0) };
}

async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const fh = await open(path, 'w');
  for (let off = 0; off < bytes; off += 4 * MiB) await fh.write(randomBytes(Math.min(4 * MiB, bytes - off)));
  await fh.close();
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

async function throughput(ctx: BenchContext, store: Store, bucket: string, prefix: string) {
  const mib = Number(env.MODELSHELF_BENCH_S3_MIB ?? 256);
  const file = join(ctx.tmpDir, 'artifact.bin');
  await writeRandomFile(file, mib * MiB);
  const endpoint = env.MODELSHELF_TEST_S3_ENDPOINT!;
  const awsCp = (from: string, to: string) =>
    run(AWS, ['--endpoint-url', endpoint, 's3', 'cp', '--only-show-errors', from, to], {
      maxBuffer: 1 << 20,
    });

  const awsKey = `s3://${bucket}/${prefix}/aws-cp/artifact.bin`;
  const awsPush = await seconds(() => awsCp(file, awsKey));
  let manifest: Awaited<ReturnType<Store['publish']>>['manifest'] | undefined;
  const push = await seconds(async () => {
    manifest = (
      await store.publish({ model: 'bench/big', files: [{ path: 'artifact.bin', sourcePath: file }] })
    ).manifest;
  });
  ctx.row({
    name: `push ${mib} MiB (Store.publish, multipart)`,
    value: mib / push,
    unit: 'MiB/s',
    baseline: 'aws s3 cp upload',
    baselineValue: mib / awsPush,
    higherIsBetter: true,
    target: '>= 0.9x',
  });

  const pullDir = join(ctx.tmpDir, 'pulled');
  await mkdir(pullDir);
  const awsPull = await seconds(() => awsCp(awsKey, join(ctx.tmpDir, 'aws-download.bin')));
  const pull = await seconds(() => store.pull(manifest!, pullDir));
  ctx.row({
    name: `pull ${mib} MiB (Store.pull, digest verified)`,
    value: mib / pull,
    unit: 'MiB/s',
    baseline: 'aws s3 cp download',
    baselineValue: mib / awsPull,
    higherIsBetter: true,
    target: '>= 0.9x',
  });
}

async function idlePoll(ctx: BenchContext, store: Store, driver: S3Driver) {
  const model = 'bench/poll';
  await store.publish({ model, files: [{ path: 'w.json', data: new TextEncoder().encode('{}') }] });
  await store.publish({ model, files: [{ path: 'w.json', data: new TextEncoder().encode('{"v":2}') }] });
  const first = await store.pollHead(model, undefined);
  if (first === 'unchanged') throw new Error('first poll cannot be unchanged');
  const counter = counting(driver);
  const polls = 20;
  for (let i = 0; i < polls; i++) {
    if ((await store.pollHead(model, first.etag)) !== 'unchanged') throw new Error('idle poll saw a change');
  }
  const perPoll = counter.get() / polls;
  // The naive follower lists the version directories and reads the newest manifest.
  counter.reset();
  for (let i = 0; i < polls; i++) {
    const versions = await store.listVersions(model);
    if (versions.length !== 2) throw new Error('expected 2 versions');
  }
  ctx.row({
    name: 'storage requests per idle poll (pollHead)',
    value: perPoll,
    unit: 'req',
    baseline: 'list versions + read manifests',
    baselineValue: counter.get() / polls,
    higherIsBetter: false,
    target: '1 request',
  });
}

async function listing(ctx: BenchContext, uri: string) {
  const models = Number(env.MODELSHELF_BENCH_S3_MODELS ?? 1000);
  const versions = Number(env.MODELSHELF_BENCH_S3_VERSIONS ?? 20);
  const driver = new S3Driver(parseS3Uri(uri));
  const store = await openStoreWithDriver(driver, { create: true });
  const now = new Date().toISOString();
  const creator = { user: 'bench', host: 'bench', tool: 'modelshelf/bench' };
  // Seeded directly with parallel create-only writes: what publishing would leave, minus the time.
  const writes: [string, Uint8Array][] = [];
  for (let m = 0; m < models; m++) {
    const model = `kepler/node-${String(m).padStart(4, '0')}/LinearRegression`;
    // As current writers leave it: the index entry repeats the head's state (docs/layout.md, "Listing").
    const head = { latest: versions, pin: null, aliases: {}, seq: 0 };
    writes.push([indexKey(model), encodeDocument({ model, createdAt: now, head })]);
    writes.push([
      headKey(model),
      encodeDocument({
        schemaVersion: SCHEMA_VERSION,
        model,
        latest: versions,
        pin: null,
        aliases: {},
        seq: 0,
        updatedAt: now,
      }),
    ]);
    // One object per version (its manifest); a real store also holds reservations and files, so
    // the naive walk below is favoured by this seed, never penalised.
    for (let v = 1; v <= versions; v++) {
      writes.push([
        manifestKey(model, v),
        encodeDocument({
          schemaVersion: SCHEMA_VERSION,
          model,
          version: v,
          createdAt: now,
          creator,
          files: [],
          formats: [],
          metadata: {},
        }),
      ]);
    }
  }
  const seedS = await seconds(() => mapLimit(writes, 64, ([k, b]) => driver.putCreateOnly(k, b)));
  ctx.note(
    `seeded ${writes.length} objects (${models} models × ${versions} versions) in ${seedS.toFixed(1)} s`,
  );

  const requests = counting(driver);
  const runs = Number(env.MODELSHELF_BENCH_S3_LIST_RUNS ?? 3);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const listOnce = async () => {
    const n = (await store.listModels()).length;
    if (n !== models) throw new Error(`listModels found ${n} models, expected ${models}`);
  };
  // Cold: no summary yet (the first listing after it was deleted), so every index entry is read once
  // and the summary written; warm: the summary is current, so the index listing and it suffice.
  const cold: number[] = [];
  const warm: number[] = [];
  let coldRequests = 0;
  let warmRequests = 0;
  for (let r = 0; r < runs; r++) {
    await driver.delete(INDEX_SUMMARY_KEY);
    requests.reset();
    cold.push(await seconds(listOnce));
    coldRequests = requests.get();
    requests.reset();
    warm.push(await seconds(listOnce));
    warmRequests = requests.get();
  }
  ctx.note(
    `listModels storage requests: ${coldRequests} without a summary, ${warmRequests} with a current one`,
  );
  // Naive: walk every key under the store and derive each model's newest version from the keys.
  let naiveModels = 0;
  const naiveRuns: number[] = [];
  for (let r = 0; r < runs; r++)
    naiveRuns.push(
      await seconds(async () => {
        const latest = new Map<string, number>();
        let cursor: string | undefined;
        do {
          const page = await driver.list('models/', { cursor });
          for (const o of page.objects) {
            const m = /^models\/(.+)\/@versions\/(\d+)\/manifest\.json$/.exec(o.key);
            if (m) latest.set(m[1]!, Math.max(latest.get(m[1]!) ?? 0, Number(m[2])));
          }
          cursor = page.cursor;
        } while (cursor);
        naiveModels = latest.size;
      }),
    );
  const naive = median(naiveRuns);
  if (naiveModels !== models) throw new Error(`naive listing found ${naiveModels} models`);
  let names = 0;
  const namesOnly = await seconds(async () => {
    names = (await store.listModelNames()).length;
  });
  if (names !== models) throw new Error(`listModelNames found ${names} models, expected ${models}`);
  ctx.row({
    name: `listModelNames, ${models} models × ${versions} versions`,
    value: namesOnly * 1000,
    unit: 'ms',
    baseline: 'recursive ListObjectsV2 of the prefix',
    baselineValue: naive * 1000,
    higherIsBetter: false,
  });
  // listModels takes latest, pin and aliases from the index and its summary, not from the heads.
  ctx.row({
    name: `listModels without a summary (first listing), ${models} models × ${versions} versions`,
    value: median(cold) * 1000,
    unit: 'ms',
    baseline: 'recursive ListObjectsV2 of the prefix',
    baselineValue: naive * 1000,
    higherIsBetter: false,
  });
  ctx.row({
    name: `listModels, ${models} models × ${versions} versions`,
    value: median(warm) * 1000,
    unit: 'ms',
    baseline: 'recursive ListObjectsV2 of the prefix',
    baselineValue: naive * 1000,
    higherIsBetter: false,
  });
  return driver;
}

async function removePrefix(driver: S3Driver) {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list('', { cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.cursor;
  } while (cursor);
  await mapLimit(keys, 64, (k) => driver.delete(k));
  await driver.reclaimDebris(0, false);
}

const bench: BenchModule = {
  title: 'S3 driver on a real S3 server (Ceph RGW on loopback)',
  async skip() {
    if (!env.MODELSHELF_TEST_S3_ENDPOINT || !env.MODELSHELF_TEST_S3_BUCKET)
      return 'MODELSHELF_TEST_S3_ENDPOINT/MODELSHELF_TEST_S3_BUCKET unset: run eval "$(scripts/ceph-dev.sh up)"';
    if (
      !(await run(AWS, ['--version']).then(
        () => true,
        () => false,
      ))
    )
      return 'aws CLI not found (apt-get install awscli): it is the throughput baseline';
    return undefined;
  },
  async run(ctx) {
    const bucket = env.MODELSHELF_TEST_S3_BUCKET!;
    const prefix = `bench-s3-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const uri = `s3://${bucket}/${prefix}?endpoint=${encodeURIComponent(env.MODELSHELF_TEST_S3_ENDPOINT!)}`;
    const driver = new S3Driver(parseS3Uri(uri));
    const store = await openStoreWithDriver(driver, { create: true });
    const listUri = `s3://${bucket}/${prefix}-list?endpoint=${encodeURIComponent(env.MODELSHELF_TEST_S3_ENDPOINT!)}`;
    let listDriver: S3Driver | undefined;
    try {
      await throughput(ctx, store, bucket, prefix);
      await idlePoll(ctx, store, driver);
      listDriver = await listing(ctx, listUri);
    } finally {
      await removePrefix(driver).catch(() => {});
      if (listDriver) await removePrefix(listDriver).catch(() => {});
      const awsTmp = `s3://${bucket}/${prefix}/`;
      await run(AWS, [
        '--endpoint-url',
        env.MODELSHELF_TEST_S3_ENDPOINT!,
        's3',
        'rm',
        '--recursive',
        '--quiet',
        awsTmp,
      ]).catch(() => {});
      await store.close();
      await listDriver?.close();
    }
  },
};
export default bench;
