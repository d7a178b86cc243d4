// Kepler linear models for estimator tests, published with the kepler-weights format.

import { encodeKeplerWeights, type KeplerWeightsSpec } from '@modelshelf/formats';
import type { Store } from '@modelshelf/registry';

export const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
export const FILE = 'SGDRegressorTrainer_0.json';

/** package = 1000·tag + bpf_cpu_time_ms (scale 1, weight 1): every answer says which tag produced it. */
export function taggedSpec(tag: number): KeplerWeightsSpec {
  return {
    components: {
      package: { bias: 1000 * tag, features: [{ name: 'bpf_cpu_time_ms', scale: 1, weight: 1 }] },
      dram: { bias: tag, features: [{ name: 'bpf_cpu_time_ms', scale: 4, weight: 2 }] },
    },
  };
}

export function publishKepler(
  store: Store,
  spec: KeplerWeightsSpec,
  options: { model?: string; metadata?: Record<string, unknown> } = {},
) {
  return store.publish({
    model: options.model ?? MODEL,
    files: [{ path: FILE, data: encodeKeplerWeights(spec) }],
    metadata: { trainer: 'SGDRegressorTrainer', features: ['bpf_cpu_time_ms'], mae: 1, ...options.metadata },
    formats: [{ name: 'kepler-weights', files: [FILE] }],
  });
}
