// `modelshelf predict` on a Keras HDF5 version: the HDF5 reader runs in a worker thread, which must
// not keep the command alive once it has printed its answer (it did: the process never exited, and
// this test then fails on its timeout).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { linearNetwork } from '@modelshelf/formats';
import { encodeKerasH5 } from '@modelshelf/formats/keras-h5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, tempStore } from './helpers/cli.ts';

let store: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  store = await tempStore();
});
afterAll(() => store.cleanup());

describe('predict on keras-h5', () => {
  it('prints the prediction of the Keras model and exits 0', async () => {
    const art = join(store.root, 'keras');
    await mkdir(art);
    const net = linearNetwork(
      ['cpu_cycles', 'cache_miss'],
      ['package', 'dram'],
      [
        [2, 0],
        [0, 3],
      ],
      [1, 5],
    );
    for (const [path, bytes] of Object.entries(await encodeKerasH5(net)))
      await writeFile(join(art, path), bytes);
    const rows = join(store.root, 'rows.json');
    await writeFile(rows, JSON.stringify([{ features: { cpu_cycles: 10, cache_miss: 4 } }]));
    expect((await store.cli('init')).code).toBe(0);
    const model = 'rapl-sysfs/AbsPower/CounterOnly/Keras_0';
    const pushed = await store.cli('push', model, art, '--format', 'keras-h5');
    expect(pushed.code, pushed.stderr).toBe(0);

    const r = await store.cli('--json', 'predict', model, '--input', rows);
    expect(r.code, r.stderr).toBe(0);
    const out = json<{ version: number; predictions: Record<string, number>[] }>(r);
    expect(out.version).toBe(1);
    expect(out.predictions[0]!.package).toBeCloseTo(2 * 10 + 1, 4);
    expect(out.predictions[0]!.dram).toBeCloseTo(3 * 4 + 5, 4);
  }, 120_000);
});
