// The socket protocol end to end: a client written from docs/estimator-protocol.md against the real
// estimator on a real Unix socket, over a real filesystem store.
import { join } from 'node:path';
import type { Store } from '@modelshelf/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EstimatorHandle, startEstimator } from '../../src/index.ts';
import { tempStore } from '../helpers/store.ts';
import { estimate, nodeRequest, sendRaw } from './client.ts';
import { MODEL, publishKepler, taggedSpec } from './models.ts';

describe('estimator socket protocol', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let est: EstimatorHandle;
  let digest: string;
  let socket: string;

  beforeAll(async () => {
    const t = await tempStore();
    store = t.store;
    cleanup = t.cleanup;
    // A model with a categorical variable, a machine_spec for core_ratio, and a negative component.
    await publishKepler(store, taggedSpec(1));
    const second = await publishKepler(
      store,
      {
        components: {
          package: {
            bias: 143.812,
            features: [{ name: 'bpf_cpu_time_ms', scale: 95877.0, weight: 305.148 }],
            categorical: { cpu_architecture: { 'Sapphire Rapids': 10, 'Sky Lake': 2 } },
          },
          dram: { bias: -5, features: [{ name: 'bpf_cpu_time_ms', scale: 95877.0, weight: 8.434 }] },
        },
      },
      { metadata: { machine_spec: { cores: 32 } } },
    );
    digest = second.digest;
    socket = join(t.root, '..', 'est.sock');
    est = await startEstimator({
      store,
      socketPath: socket,
      models: [{ source: 'rapl-sysfs', outputType: 'AbsPower', ref: MODEL }],
      best: false,
      cores: 8,
      maxRequestBytes: 64 * 1024,
      requestTimeoutMs: 300,
    });
    await est.ready();
  });
  afterAll(async () => {
    await est?.close();
    await cleanup?.();
  });

  it('answers per component and per row with Kepler arithmetic, naming the version that answered', async () => {
    const a = await estimate(
      socket,
      nodeRequest([[9587.7], [0]], {
        system_features: ['cpu_architecture'],
        system_values: ['Sapphire Rapids'],
      }),
    );
    expect(a.msg).toBe('');
    expect(Object.keys(a.powers).sort()).toEqual(['dram', 'package']);
    expect(a.powers.package![0]).toBeCloseTo(143.812 + 10 + (305.148 * 9587.7) / 95877.0, 9);
    expect(a.powers.package![1]).toBeCloseTo(153.812, 9);
    // dram = -5 + 8.434·0.1 is negative: clamped to 0 as the Python sidecar does.
    expect(a.powers.dram).toEqual([0, 0]);
    expect(a.core_ratio).toBe(8 / 32);
    expect({ model: a.model, version: a.version, digest: a.digest }).toEqual({
      model: MODEL,
      version: 2,
      digest,
    });
  });

  it('ignores unknown system values and extra metrics, accepts Go nulls and normalises the source', async () => {
    const a = await estimate(socket, {
      metrics: ['cpu_cycles', 'bpf_cpu_time_ms'],
      values: [[1e9, 95877.0]],
      output_type: 'AbsPower',
      source: 'intel_rapl',
      system_features: ['cpu_architecture'],
      system_values: ['Unknown Lake'],
      model_name: 'whatever',
      unknown_field: { nested: '}' },
    });
    expect(a.msg).toBe('');
    expect(a.powers.package![0]).toBeCloseTo(143.812 + 305.148, 9);
    const b = await estimate(socket, nodeRequest(null as never, { metrics: null }));
    expect(b).toMatchObject({ msg: '', powers: { package: [], dram: [] }, version: 2 });
  });

  it('is understood by a Kepler-style client: no half-close, one 4096-byte read', async () => {
    const text = await sendRaw(socket, JSON.stringify(nodeRequest([[1]])), { keplerStyle: true });
    expect(JSON.parse(text)).toMatchObject({ msg: '', version: 2 });
  });

  it('reassembles a request sent in 1-byte pieces, with braces inside strings', async () => {
    const body = JSON.stringify(nodeRequest([[1]], { system_features: ['x{'], system_values: ['}"\\}'] }));
    const text = await sendRaw(socket, body, { chunkBytes: 1 });
    expect(JSON.parse(text)).toMatchObject({ msg: '', version: 2 });
  });

  it('takes whatever arrived before a half-close as the request', async () => {
    const text = await sendRaw(socket, `  ${JSON.stringify(nodeRequest([[1]]))}\n`, { halfClose: true });
    expect(JSON.parse(text)).toMatchObject({ msg: '', version: 2 });
  });

  it.each([
    ['not JSON', '{"metrics": [', /not JSON/],
    ['a JSON array', '[1, 2]', /must be a JSON object/],
    [
      'an unsupported output type',
      JSON.stringify(nodeRequest([[1]], { output_type: 'Watts' })),
      /"Watts" is not supported/,
    ],
    [
      'a row of the wrong length',
      JSON.stringify(nodeRequest([[1, 2]])),
      /values\[0\] has 2 numbers but "metrics" names 1/,
    ],
    ['a string among the values', JSON.stringify(nodeRequest([['1']] as never)), /invalid "values\.0\.0"/],
    [
      'a duplicated metric',
      JSON.stringify(nodeRequest([[1, 1]], { metrics: ['a', 'a'] })),
      /lists a name twice/,
    ],
    [
      'unpaired system features',
      JSON.stringify(nodeRequest([[1]], { system_features: ['a'], system_values: [] })),
      /"system_features" has 1 names but "system_values" 0/,
    ],
    [
      'a pair with no model',
      JSON.stringify(nodeRequest([[1]], { output_type: 'DynPower' })),
      /no model configured for rapl-sysfs\/DynPower/,
    ],
  ])('answers %s with an error message and no powers', async (_what, body, message) => {
    const text = await sendRaw(socket, body, { halfClose: true });
    const a = JSON.parse(text);
    expect(a.powers).toEqual({});
    expect(a.msg).toMatch(message);
  });

  it('names the metrics a model needs when the request lacks them, and says which version refused', async () => {
    const a = await estimate(socket, nodeRequest([[1]], { metrics: ['cpu_cycles'] }));
    expect(a.msg).toMatch(/needs metrics the request lacks: bpf_cpu_time_ms/);
    expect(a.powers).toEqual({});
    expect(a.version).toBe(2);
  });

  it('refuses a request over the size limit and one that never completes, without hanging', async () => {
    const big = JSON.stringify(nodeRequest(Array.from({ length: 20_000 }, () => [1.5])));
    const tooBig = JSON.parse(await sendRaw(socket, big));
    expect(tooBig.msg).toMatch(/larger than 65536 bytes/);
    const partial = JSON.parse(await sendRaw(socket, '{"metrics": ["a"]'));
    expect(partial.msg).toMatch(/no complete request within 300 ms/);
  });

  it('answers many clients at once, each with its own rows', async () => {
    const answers = await Promise.all(
      Array.from({ length: 64 }, (_, i) => estimate(socket, nodeRequest([[i * 95877.0]]))),
    );
    answers.forEach((a, i) => {
      expect(a.msg).toBe('');
      expect(a.powers.package![0]).toBeCloseTo(143.812 + 305.148 * i, 6);
    });
  });
});
