// Kepler's best-model selection and the default decoder, on real Kepler model-db files.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '@modelshelf/registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Candidate, loadModel, selectBestModel } from '../src/index.ts';
import { tempStore } from './helpers/store.ts';

const FIXTURE = join(
  import.meta.dirname,
  '../../../fixtures/kepler/kepler-model-db/models/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly',
);
const BPF = ['bpf_cpu_time_ms', 'bpf_page_cache_hit'];

async function publishKepler(store: Store, trainer: string) {
  const weights = await readFile(join(FIXTURE, `${trainer}.json`));
  const metadata = JSON.parse(await readFile(join(FIXTURE, trainer, 'metadata.json'), 'utf8'));
  return store.publish({
    model: `ec2/rapl-sysfs/AbsPower/BPFOnly/${trainer}`,
    files: [{ path: `${trainer}.json`, data: weights }],
    formats: [{ name: 'kepler-weights', files: [`${trainer}.json`] }],
    metadata: { ...metadata, trainer: trainer.replace(/_\d+$/, '') },
  });
}

describe('selectBestModel', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await tempStore());
    await publishKepler(store, 'SGDRegressorTrainer_0');
    await publishKepler(store, 'LogarithmicRegressionTrainer_0');
  });
  afterEach(() => cleanup());

  const query = { pipeline: 'ec2', energySource: 'rapl-sysfs', outputType: 'AbsPower' };

  it('picks the lowest mae among models whose features the node has', async () => {
    const best = await selectBestModel(store, { ...query, availableFeatures: BPF });
    expect(best?.model).toBe('ec2/rapl-sysfs/AbsPower/BPFOnly/LogarithmicRegressionTrainer_0');
    expect(best?.mae).toBe(42.54);
  });

  it('skips models needing features the node lacks, and other node types', async () => {
    await store.publish({
      model: 'ec2/rapl-sysfs/AbsPower/Basic/SGDRegressorTrainer_0',
      files: [{ path: 'w.json', data: new TextEncoder().encode('{}') }],
      metadata: { features: [...BPF, 'cpu_cycles'], mae: 1.5 },
    });
    await store.publish({
      model: 'ec2/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_7',
      files: [{ path: 'w.json', data: new TextEncoder().encode('{}') }],
      metadata: { features: BPF, mae: 0.5, node_type: 7 },
    });
    let seen: Candidate[] = [];
    const best = await selectBestModel(store, { ...query, availableFeatures: BPF, nodeType: 0 }, (c) => {
      seen = c;
    });
    expect(best?.model).toBe('ec2/rapl-sysfs/AbsPower/BPFOnly/LogarithmicRegressionTrainer_0');
    expect(seen.find((c) => c.model.includes('Basic'))?.excluded).toContain('cpu_cycles');
    expect(seen.find((c) => c.model.endsWith('_7'))?.excluded).toContain('node_type');

    const withCounters = await selectBestModel(store, {
      ...query,
      availableFeatures: [...BPF, 'cpu_cycles'],
    });
    expect(withCounters?.model).toBe('ec2/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_7');
  });

  it('judges each model by the version a plain reference serves: its pin, else its latest', async () => {
    const name = 'ec2/rapl-sysfs/AbsPower/BPFOnly/LogarithmicRegressionTrainer_0';
    const v1 = (await store.resolve(name)).manifest;
    await store.publish({
      model: name,
      files: [{ path: 'w.json', data: new Uint8Array(2) }],
      metadata: { ...v1.metadata, mae: 99 },
    });
    const worse = await selectBestModel(store, { ...query, availableFeatures: BPF });
    expect(worse?.model).toBe('ec2/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0');
    await store.pin(name, 1);
    const pinned = await selectBestModel(store, { ...query, availableFeatures: BPF });
    expect(pinned).toMatchObject({ model: name, version: 1, mae: 42.54 });
  });

  it('returns undefined when nothing qualifies', async () => {
    expect(await selectBestModel(store, { ...query, availableFeatures: ['cpu_cycles'] })).toBeUndefined();
    expect(
      await selectBestModel(store, { ...query, outputType: 'DynPower', availableFeatures: BPF }),
    ).toBeUndefined();
  });

  it('the default decoder turns a Kepler weight file into a callable model (Go-exact arithmetic)', async () => {
    const served = await loadModel({ store, ref: 'ec2/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0' });
    expect(served.value.format).toBe('kepler-weights');
    const input = new Float64Array(served.value.features.length);
    input[served.value.features.indexOf('bpf_cpu_time_ms')] = 9587.7;
    const out = served.value.predict(input, 1);
    // notes/kepler.md worked example: package = 143.812 + 305.148 × 0.1 = 174.33 W.
    expect(out[served.value.outputs.indexOf('package')]).toBeCloseTo(174.33, 1);
  });
});
