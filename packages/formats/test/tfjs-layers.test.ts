import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { memoryArtifactFiles } from '../src/artifact-bytes.ts';
import { forwardDense } from '../src/dense/network.ts';
import {
  denseNetworkFromLayersModel,
  TFJS_MODEL_FILE,
  TFJS_SHARD_FILE,
  tfjsLayersCodec,
} from '../src/tfjs-layers.ts';
import { FormatError } from '../src/types.ts';
import { maxRelativeDifference, randomInputs, randomNetwork } from './random-network.ts';

describe('tfjs-layers codec', () => {
  it('round-trips random dense networks with equal predictions and leaks no tensors', async () => {
    await tf.setBackend('cpu');
    for (let seed = 1; seed <= 12; seed++) {
      const net = randomNetwork(seed);
      const bytes = await tfjsLayersCodec.encode(net);
      expect(Object.keys(bytes).sort()).toEqual([TFJS_SHARD_FILE, TFJS_MODEL_FILE].sort());
      const before = tf.memory().numTensors;
      const model = await tfjsLayersCodec.decode(memoryArtifactFiles(bytes));
      expect(tf.memory().numTensors).toBe(before);
      expect(model.features).toEqual(net.features);
      expect(model.outputs).toEqual(net.outputs);
      expect(model.network.normalization?.scale).toEqual(net.normalization?.scale);
      const x = randomInputs(seed, 16, net.features.length);
      // Weights are float32 in both, and our forward pass runs in float64: results agree to rounding.
      expect(maxRelativeDifference(forwardDense(net, x, 16), model.predict(x, 16))).toBeLessThan(1e-9);
    }
  });

  it('agrees with tfjs own predict on the model it wrote', async () => {
    const net = randomNetwork(42, {
      withScale: false,
      hidden: [5, 3],
      activations: ['relu', 'sigmoid', 'tanh'],
    });
    const bytes = await tfjsLayersCodec.encode(net);
    const json = JSON.parse(new TextDecoder().decode(bytes[TFJS_MODEL_FILE]));
    const loaded = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: bytes[TFJS_SHARD_FILE]!.slice().buffer,
      }),
    );
    const x = randomInputs(42, 10, net.features.length);
    const y = tf.tidy(() =>
      (loaded.predict(tf.tensor2d(Float32Array.from(x), [10, net.features.length])) as tf.Tensor).dataSync(),
    );
    loaded.dispose();
    const model = await tfjsLayersCodec.decode(memoryArtifactFiles(bytes));
    expect(maxRelativeDifference(Float64Array.from(y), model.predict(x, 10))).toBeLessThan(1e-5);
  });

  it('converts a trained tf.sequential into a DenseNetwork', async () => {
    const seq = tf.sequential();
    seq.add(tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }));
    seq.add(tf.layers.dropout({ rate: 0.2 }));
    seq.add(tf.layers.dense({ units: 1 }));
    const xs = tf.randomUniform([32, 3], 0, 1, 'float32', 7);
    const ys = tf.tidy(() => xs.sum(1, true));
    seq.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await seq.fit(xs, ys, { epochs: 2, verbose: 0 });
    const net = denseNetworkFromLayersModel(seq, { features: ['a', 'b', 'c'], outputs: ['power'] });
    const input = Float64Array.from(xs.dataSync());
    const expected = tf.tidy(() => (seq.predict(xs) as tf.Tensor).dataSync());
    expect(maxRelativeDifference(Float64Array.from(expected), forwardDense(net, input, 32))).toBeLessThan(
      1e-5,
    );
    tf.dispose([xs, ys]);
    seq.dispose();
  });

  it('refuses unsupported layers and activations by name', async () => {
    const seq = tf.sequential();
    seq.add(tf.layers.dense({ units: 2, activation: 'elu', inputShape: [2] }));
    expect(() => denseNetworkFromLayersModel(seq, { features: ['a', 'b'], outputs: ['p', 'q'] })).toThrow(
      /"elu"/,
    );
    seq.dispose();
  });

  it('reports a short weight shard as a FormatError without leaking tensors', async () => {
    const bytes = await tfjsLayersCodec.encode(randomNetwork(5));
    const before = tf.memory().numTensors;
    const files = memoryArtifactFiles({
      ...bytes,
      [TFJS_SHARD_FILE]: bytes[TFJS_SHARD_FILE]!.subarray(0, 10),
    });
    await expect(tfjsLayersCodec.decode(files)).rejects.toThrow(FormatError);
    await expect(tfjsLayersCodec.decode(files)).rejects.toThrow(/describes \d+ bytes but the shards hold 10/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
