import { mulberry32 } from '../../../test/support/seeded-random.ts';
import type { DenseActivation, DenseNetwork } from '../src/dense/network.ts';

/** A seeded PRNG, so every "random" network is reproducible from its seed. */
export const seededRandom = mulberry32;

export interface RandomNetworkOptions {
  features?: number;
  outputs?: number;
  hidden?: number[];
  activations?: DenseActivation[];
  withScale?: boolean;
}

export function randomNetwork(seed: number, options: RandomNetworkOptions = {}): DenseNetwork {
  const rand = seededRandom(seed);
  const nIn = options.features ?? 2 + Math.floor(rand() * 6);
  const nOut = options.outputs ?? 1 + Math.floor(rand() * 3);
  const hidden =
    options.hidden ?? Array.from({ length: Math.floor(rand() * 3) }, () => 1 + Math.floor(rand() * 8));
  const hiddenActivations: DenseActivation[] = options.activations ?? ['relu', 'sigmoid', 'tanh', 'linear'];
  const widths = [...hidden, nOut];
  let inputs = nIn;
  const layers = widths.map((units, l) => {
    const activation: DenseActivation =
      l === widths.length - 1 ? 'linear' : hiddenActivations[Math.floor(rand() * hiddenActivations.length)]!;
    const kernel = Float32Array.from({ length: inputs * units }, () => (rand() - 0.5) * 2);
    const bias = Float32Array.from({ length: units }, () => rand() - 0.5);
    inputs = units;
    return { units, activation, kernel, bias };
  });
  const net: DenseNetwork = {
    features: Array.from({ length: nIn }, (_, i) => `feature_${i}`),
    outputs: Array.from({ length: nOut }, (_, i) => `output_${i}`),
    layers,
  };
  if (options.withScale ?? rand() < 0.7) {
    // One zero entry exercises the "scale 0 → input 0" rule.
    net.normalization = {
      scale: Float32Array.from({ length: nIn }, (_, i) => (i === 1 ? 0 : 1 + rand() * 1000)),
    };
  }
  return net;
}

export function randomInputs(seed: number, rows: number, features: number): Float64Array {
  const rand = seededRandom(seed ^ 0x5eed);
  return Float64Array.from({ length: rows * features }, () => rand() * 2000 - 500);
}

/** Largest |a-b| relative to max(1, |a|): float32 weights make exact equality the wrong bar. */
export function maxRelativeDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(a[i]!)));
  return worst;
}
