// Every model modelshelf trains is served by default. One training run on Kepler's 2023-09 fixture
// (every trainer of the catalogue, so trainers added later are covered without editing this file)
// into a local store; then for every trainer × output type (one feature group, and every group for
// one trainer): `modelshelf predict`, `modelshelf watch` and the estimator (explicit --model routes,
// and the default best-model choice with and without trainer_name) all answer, with the watts the
// trained model gives in-process (1e-9 relative for JSON formats, 1e-5 for float32 ones). Every
// format each version declares is also decoded on its own and compared. One trainer of each format
// is then published through one CephFS mount and served through the other, and served from RGW.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWatch } from '../packages/cli/src/index.ts';
import { type DecodedModel, defaultFormatRegistry, FORMAT_NAMES } from '../packages/formats/src/index.ts';
import { defaultDecoder, loadModel, startEstimator } from '../packages/loader/src/index.ts';
import { estimate } from '../packages/loader/test/estimator/client.ts';
import { randomName, requireEnv, s3StoreUri } from '../packages/loader/test/helpers/services.ts';
import { listAll, openStore, type Store } from '../packages/registry/src/index.ts';
import {
  OUTPUT_TYPES,
  publishModels,
  TRAINER_NAMES,
  type TrainedModel,
} from '../packages/trainer/src/index.ts';
import {
  BIN,
  cliInProcess,
  cliProcess,
  inProcess,
  mismatches,
  predictColumns,
  predictRows,
  type Trained,
  toleranceOf,
  trainFixture,
} from './helpers/serving.ts';

/** The group every trainer is checked on; ALL_GROUPS_TRAINER is checked on every group the data feeds. */
const GROUP = 'CounterOnly';
const ALL_GROUPS_TRAINER = TRAINER_NAMES[0]!;

let dir: string;
let storeDir: string;
let trained: Trained;
let matrix: TrainedModel[];
const rowsOf = new Map<string, number[][]>();

const request = (model: TrainedModel, rows: number[][], extra: Record<string, unknown> = {}) => ({
  metrics: [...model.features],
  values: rows,
  output_type: model.outputType,
  source: 'rapl',
  system_features: null,
  system_values: null,
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'serving-matrix-'));
  storeDir = join(dir, 'store');
  trained = await trainFixture();
  const store = await openStore(storeDir, { create: true });
  try {
    await publishModels(store, trained.result.models);
  } finally {
    await store.close();
  }
  matrix = trained.result.models.filter((m) => m.featureGroup === GROUP || m.trainer === ALL_GROUPS_TRAINER);
  for (const m of matrix) rowsOf.set(m.name, trained.rowsFor(m));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('serving matrix (local store)', () => {
  it('covers every trainer of the catalogue × output type, and every group for one trainer', () => {
    expect(trained.result.failures).toEqual([]);
    const covered = new Set(matrix.map((m) => `${m.trainer} ${m.outputType} ${m.featureGroup}`));
    for (const trainer of TRAINER_NAMES)
      for (const output of OUTPUT_TYPES) expect(covered).toContain(`${trainer} ${output} ${GROUP}`);
    const groups = new Set(trained.result.models.map((m) => m.featureGroup));
    expect(groups.size).toBeGreaterThan(1);
    for (const group of groups)
      for (const output of OUTPUT_TYPES)
        expect(covered).toContain(`${ALL_GROUPS_TRAINER} ${output} ${group}`);
  });

  it('modelshelf predict answers every model with the trained watts (batched rows)', async () => {
    const problems: string[] = [];
    for (const m of matrix) {
      const rows = rowsOf.get(m.name)!;
      const input = join(dir, 'rows.json');
      await writeFile(input, JSON.stringify(predictRows(m, rows)));
      const out = predictColumns(
        await cliInProcess(['--store', storeDir, '--json', 'predict', m.name, '--input', input]),
      );
      for (const p of mismatches(out.powers, inProcess(m, rows), toleranceOf(out.format)))
        problems.push(`${m.name} (${out.format}): ${p}`);
    }
    expect(problems).toEqual([]);
  });

  it('the modelshelf binary predicts one model of each format the trainers write', async () => {
    const byFormat = new Map<string, TrainedModel>();
    for (const m of matrix) byFormat.set(m.exported.formats.map((f) => f.name).join('+'), m);
    const runs = [...byFormat.values()].map(async (m, i) => {
      const rows = rowsOf.get(m.name)!;
      const input = join(dir, `bin-rows-${i}.json`);
      await writeFile(input, JSON.stringify(predictRows(m, rows)));
      const res = await cliProcess(['--store', storeDir, '--json', 'predict', m.name, '--input', input]);
      expect(res.code, res.stderr).toBe(0);
      const out = predictColumns(res.stdout);
      return mismatches(out.powers, inProcess(m, rows), toleranceOf(out.format)).map(
        (p) => `${m.name}: ${p}`,
      );
    });
    expect((await Promise.all(runs)).flat()).toEqual([]);
  });

  it('every format each version declares decodes and gives the trained watts', async () => {
    const registry = defaultFormatRegistry();
    const problems: string[] = [];
    for (const m of matrix.filter((x) => x.featureGroup === GROUP)) {
      for (const format of m.exported.formats) {
        expect(FORMAT_NAMES).toContain(format.name);
        const served = await loadModel<DecodedModel>({
          store: storeDir,
          ref: m.name,
          decode: (files, manifest) =>
            registry.decodeBest(files, [manifest.formats.find((f) => f.name === format.name)!], undefined, {
              metadata: manifest.metadata,
            }),
        });
        const rows = rowsOf.get(m.name)!;
        const out = served.value.predict(Float64Array.from(rows.flat()), rows.length);
        const powers = Object.fromEntries(
          served.value.outputs.map((c: string, j: number) => [
            c,
            rows.map((_, r) => out[r * served.value.outputs.length + j]!),
          ]),
        );
        for (const p of mismatches(powers, inProcess(m, rows), toleranceOf(format.name)))
          problems.push(`${m.name} as ${format.name}: ${p}`);
        served.value.dispose?.();
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('modelshelf watch serves every model (decoded), naming the stored version', async () => {
    const store = await openStore(storeDir);
    try {
      for (const m of matrix) {
        const lines: string[] = [];
        const controller = new AbortController();
        const done = runWatch({
          ref: m.name,
          store,
          json: true,
          pollIntervalMs: 60_000,
          poll: 'always',
          decode: defaultDecoder,
          write: (line) => {
            lines.push(line);
            controller.abort();
          },
          signal: controller.signal,
        });
        await done;
        const event = JSON.parse(lines[0]!);
        expect(event).toMatchObject({ event: 'loaded', model: m.name, version: 1 });
        expect(event.digest).toBe((await store.resolve(m.name)).digest);
      }
    } finally {
      await store.close();
    }
  });

  it('the estimator serves every model on an explicit --model route with the trained watts', async () => {
    const problems: string[] = [];
    // One estimator per (trainer, group): its AbsPower and DynPower models on the two routes.
    const pairs = new Map<string, TrainedModel[]>();
    for (const m of matrix)
      pairs.set(`${m.trainer}/${m.featureGroup}`, [
        ...(pairs.get(`${m.trainer}/${m.featureGroup}`) ?? []),
        m,
      ]);
    for (const [key, models] of pairs) {
      const socketPath = join(dir, 'explicit.sock');
      const est = await startEstimator({
        store: storeDir,
        socketPath,
        models: models.map((m) => ({ source: 'rapl-sysfs', outputType: m.outputType, ref: m.name })),
        loadTimeoutMs: 30_000,
      });
      try {
        for (const m of models) {
          const rows = rowsOf.get(m.name)!;
          const answer = await estimate(socketPath, request(m, rows), { timeoutMs: 30_000 });
          expect(answer.msg, key).toBe('');
          expect(answer.model).toBe(m.name);
          for (const p of mismatches(answer.powers, inProcess(m, rows), 1e-9))
            problems.push(`${m.name}: ${p}`);
        }
      } finally {
        await est.close();
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);

  it('the default estimator (no --model) answers its first request at once, with the best model', async () => {
    const socketPath = join(dir, 'default.sock');
    // A request that had to wait for a model would fail with this bound.
    const est = await startEstimator({ store: storeDir, socketPath, loadTimeoutMs: 1000 });
    try {
      for (const output of OUTPUT_TYPES) {
        const group = trained.result.models.filter(
          (m) => m.featureGroup === GROUP && m.outputType === output,
        );
        const best = [...group].sort((a, b) => a.mae - b.mae || (a.name < b.name ? -1 : 1))[0]!;
        const rows = rowsOf.get(best.name)!;
        const answer = await estimate(socketPath, request(best, rows));
        expect(answer).toMatchObject({ msg: '', model: best.name });
        expect(mismatches(answer.powers, inProcess(best, rows), 1e-9)).toEqual([]);
      }
    } finally {
      await est.close();
    }
  });

  it('the modelshelf estimator binary, default best-model choice: every trainer through trainer_name', async () => {
    const socketPath = join(dir, 'bin.sock');
    const child: ChildProcess = spawn(
      process.execPath,
      [BIN, '--store', storeDir, '--json', 'estimator', '--socket', socketPath, '--metrics-port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (JSON.parse(line).event === 'listening') resolve();
        });
        child.on('exit', (code) => reject(new Error(`estimator exited ${code}`)));
      });
      const problems: string[] = [];
      for (const m of matrix.filter((x) => x.featureGroup === GROUP && x.outputType === 'AbsPower')) {
        const rows = rowsOf.get(m.name)!;
        const answer = await estimate(socketPath, request(m, rows, { trainer_name: m.trainer }), {
          timeoutMs: 30_000,
        });
        expect(answer.msg, m.name).toBe('');
        expect(answer.model).toBe(m.name);
        for (const p of mismatches(answer.powers, inProcess(m, rows), 1e-9)) problems.push(`${m.name}: ${p}`);
      }
      expect(problems).toEqual([]);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});

/** One trained model per distinct set of formats the trainers write. */
const onePerFormat = (models: readonly TrainedModel[]) => {
  const byFormat = new Map<string, TrainedModel>();
  for (const m of models)
    if (m.featureGroup === GROUP && m.outputType === 'AbsPower')
      byFormat.set(m.exported.formats.map((f) => f.name).join('+'), m);
  return [...byFormat.values()];
};

/** The reader's estimator serves each model with the trained watts. */
async function servesFrom(reader: Store | string, models: readonly TrainedModel[]): Promise<string[]> {
  const problems: string[] = [];
  for (const m of models) {
    const socketPath = join(dir, 'shared.sock');
    const est = await startEstimator({
      store: reader,
      socketPath,
      models: [{ source: 'rapl-sysfs', outputType: m.outputType, ref: m.name }],
      loadTimeoutMs: 30_000,
    });
    try {
      const rows = rowsOf.get(m.name) ?? trained.rowsFor(m);
      const answer = await estimate(socketPath, request(m, rows), { timeoutMs: 30_000 });
      if (answer.msg !== '') problems.push(`${m.name}: ${answer.msg}`);
      for (const p of mismatches(answer.powers, inProcess(m, rows), 1e-9)) problems.push(`${m.name}: ${p}`);
    } finally {
      await est.close();
    }
  }
  return problems;
}

const cephfs = requireEnv('serving matrix on CephFS', [
  'MODELSHELF_TEST_CEPHFS_A',
  'MODELSHELF_TEST_CEPHFS_B',
]);
const rgw = requireEnv('serving matrix on Ceph RGW', [
  'MODELSHELF_TEST_S3_ENDPOINT',
  'MODELSHELF_TEST_S3_BUCKET',
]);

describe.runIf(cephfs.ok)(
  'serving matrix on CephFS (published through mount A, served through mount B)',
  () => {
    const { env } = cephfs;
    const name = randomName('serving-matrix');
    afterAll(async () => {
      await rm(join(env.MODELSHELF_TEST_CEPHFS_A!, name), { recursive: true, force: true });
    });

    it('serves one trainer of each format', async () => {
      const models = onePerFormat(trained.result.models);
      expect(models.length).toBeGreaterThan(1);
      const writer = await openStore(join(env.MODELSHELF_TEST_CEPHFS_A!, name), { create: true });
      const reader = await openStore(join(env.MODELSHELF_TEST_CEPHFS_B!, name));
      try {
        await publishModels(writer, models);
        expect(await servesFrom(reader, models)).toEqual([]);
      } finally {
        await writer.close();
        await reader.close();
      }
    }, 120_000);
  },
);

describe.runIf(rgw.ok)('serving matrix on Ceph RGW (S3)', () => {
  const { env } = rgw;
  let store: Store | undefined;
  afterAll(async () => {
    if (!store) return;
    for await (const obj of listAll(store.driver, '')) await store.driver.delete(obj.key);
    await store.close();
  });

  it('serves one trainer of each format', async () => {
    const models = onePerFormat(trained.result.models);
    store = await openStore(
      s3StoreUri(env.MODELSHELF_TEST_S3_BUCKET!, env.MODELSHELF_TEST_S3_ENDPOINT!, 'serving'),
      {
        create: true,
      },
    );
    await publishModels(store, models);
    expect(await servesFrom(store, models)).toEqual([]);
  }, 120_000);
});
