// importKeplerModels on copies of the fixture tree: naming (prefix, pipelines), single models, dry runs,
// collisions, changed files, and archive-only models (served by reading the archive).
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importKeplerModels } from '../../src/kepler/import.ts';
import { loadModel } from '../../src/watch/watch-model.ts';
import { tempStore } from '../helpers/store.ts';
import { EC2_BPF, FIXTURES } from './fixtures.ts';

const V07 = join(FIXTURES, 'kepler-model-db/models/v0.7');
const SGD = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

let store: Store;
let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ store, root, cleanup } = await tempStore());
});
afterEach(() => cleanup());

describe('importKeplerModels', () => {
  it('puts a pipeline under --prefix', async () => {
    const { results } = await importKeplerModels(store, join(V07, 'ec2-0.7.11'), { prefix: 'ec2-0.7.11/' });
    expect(results.map((r) => r.model)).toEqual([
      'ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/LogarithmicRegressionTrainer_0',
      `ec2-0.7.11/${SGD}`,
    ]);
    expect(await store.listModelNames()).toEqual(results.map((r) => r.model));
  });

  it('imports one model from any of its files, with its siblings', async () => {
    for (const given of [
      'SGDRegressorTrainer_0.zip',
      'SGDRegressorTrainer_0',
      'SGDRegressorTrainer_0.json',
    ]) {
      const { results } = await importKeplerModels(store, join(EC2_BPF, given));
      expect(results).toHaveLength(1);
      expect(results[0]!.model).toBe(SGD);
      expect([...results[0]!.files].sort()).toEqual([
        'SGDRegressorTrainer_0.json',
        'SGDRegressorTrainer_0.zip',
        'metadata.json',
      ]);
    }
    // Three imports of the same files: one version.
    expect((await store.head(SGD))?.latest).toBe(1);
  });

  it('reports a dry run without publishing', async () => {
    const { results } = await importKeplerModels(store, V07, { dryRun: true });
    expect(results.map((r) => r.status)).toEqual(results.map(() => 'would-publish'));
    expect(await store.listModelNames()).toEqual([]);
  });

  it('refuses two pipelines that map to one model name, and separates them with byPipeline', async () => {
    const tree = join(root, 'tree');
    await cp(join(V07, 'ec2-0.7.11'), join(tree, 'ec2-0.7.11'), { recursive: true });
    await cp(join(V07, 'ec2-0.7.11'), join(tree, 'ec2-0.7.12'), { recursive: true });
    await expect(importKeplerModels(store, tree)).rejects.toMatchObject({
      category: 'usage',
      message: expect.stringMatching(/ec2-0\.7\.11\/rapl-sysfs.*ec2-0\.7\.12\/rapl-sysfs/),
    });
    const { results } = await importKeplerModels(store, tree, { byPipeline: true });
    expect(results.map((r) => r.model)).toContain(`ec2-0.7.12/${SGD}`);
    expect(results).toHaveLength(4);
  });

  it('publishes a new version when a file changed, and only for that model', async () => {
    const tree = join(root, 'tree');
    await cp(join(V07, 'ec2-0.7.11'), join(tree, 'ec2-0.7.11'), { recursive: true });
    await importKeplerModels(store, tree);
    const meta = join(tree, 'ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0/metadata.json');
    await writeFile(meta, JSON.stringify({ model_name: 'SGDRegressorTrainer_0', mae: 1.5, mape: 2.5 }));
    const { results } = await importKeplerModels(store, tree);
    expect(results.map((r) => [r.model, r.status, r.version])).toEqual([
      ['rapl-sysfs/AbsPower/BPFOnly/LogarithmicRegressionTrainer_0', 'unchanged', 1],
      [SGD, 'published', 2],
    ]);
    expect((await store.readVersion(SGD, 2)).manifest.metadata).toMatchObject({ mae: 1.5, mape: 2.5 });
  });

  it('keeps an archive-only model byte-identical and serves it by reading the archive as data', async () => {
    const fg = join(root, 'db/p1/rapl-sysfs/AbsPower/BPFOnly');
    await mkdir(fg, { recursive: true });
    await cp(join(EC2_BPF, 'SGDRegressorTrainer_0.zip'), join(fg, 'GradientBoostingRegressorTrainer_0.zip'));
    const { results } = await importKeplerModels(store, join(root, 'db'));
    const model = 'rapl-sysfs/AbsPower/BPFOnly/GradientBoostingRegressorTrainer_0';
    expect(results.map((r) => r.model)).toEqual([model]);
    const { manifest } = await store.readVersion(model, 1);
    expect(manifest.formats).toEqual([
      { name: 'kepler-zip', files: ['GradientBoostingRegressorTrainer_0.zip'] },
    ]);
    expect(manifest.metadata.notes).toEqual([expect.stringMatching(/pickles.*reads them as data/)]);
    const loaded = await loadModel({ store, ref: model });
    expect(loaded.value.format).toBe('kepler-zip');
    expect(loaded.value.outputs).toEqual(['package', 'core', 'uncore', 'dram']);
    const y = loaded.value.predict(new Float64Array(loaded.value.features.length).fill(1000), 1);
    for (const v of y) expect(Number.isFinite(v) && v >= 0).toBe(true);
  });

  it('rejects a file outside Kepler layout with a hint', async () => {
    const file = join(root, 'weights.json');
    await cp(join(EC2_BPF, 'SGDRegressorTrainer_0.json'), file);
    await expect(importKeplerModels(store, file)).rejects.toMatchObject({
      category: 'usage',
      hint: expect.stringMatching(/modelshelf push/),
    });
    await rm(file);
    await expect(importKeplerModels(store, file)).rejects.toThrow(/no such file/);
  });
});
