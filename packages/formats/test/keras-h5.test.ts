import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, requirePython, runReader } from '../../../test/readers/run-reader.ts';
import { memoryArtifactFiles } from '../src/artifact-bytes.ts';
import { type DenseNetwork, forwardDense } from '../src/dense/network.ts';
import { decodeKerasH5Network, KERAS_H5_FILE, kerasH5Codec } from '../src/keras-h5.ts';
import { maxRelativeDifference, randomInputs, randomNetwork } from './random-network.ts';

const dir = mkdtempSync(join(tmpdir(), 'modelshelf-h5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rowsOf(x: Float64Array, features: number): number[][] {
  return Array.from({ length: x.length / features }, (_, r) =>
    Array.from(x.subarray(r * features, (r + 1) * features)),
  );
}

describe('keras-h5 codec', () => {
  it('round-trips random dense networks with equal predictions', async () => {
    for (let seed = 1; seed <= 12; seed++) {
      const net = randomNetwork(seed);
      const files = memoryArtifactFiles(await kerasH5Codec.encode(net));
      expect(await kerasH5Codec.detect(files)).toBe(true);
      const model = await kerasH5Codec.decode(files);
      expect(model.features).toEqual(net.features);
      expect(model.outputs).toEqual(net.outputs);
      const x = randomInputs(seed, 16, net.features.length);
      expect(maxRelativeDifference(forwardDense(net, x, 16), model.predict(x, 16))).toBeLessThan(1e-9);
    }
  });

  it('writes the same bytes for the same network, whatever the time (HDF5 header clocks are pinned)', async () => {
    const net = randomNetwork(5);
    const first = (await kerasH5Codec.encode(net))[KERAS_H5_FILE]!;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = (await kerasH5Codec.encode(net))[KERAS_H5_FILE]!;
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
    expect(Date.now()).toBeGreaterThan(1_700_000_000_000); // the real clock is back
  });
});

describe('keras-h5 against Keras conventions and an independent reader (h5py + numpy)', () => {
  const available = requirePython(
    ['numpy', 'h5py'],
    ['python3-h5py', 'python3-numpy'],
    'formats: Keras HDF5 through h5py',
  );

  it.skipIf(!available)('h5py finds the Keras layout and numpy reproduces our outputs', async () => {
    for (const seed of [21, 22, 23]) {
      const net = randomNetwork(seed, { hidden: [5, 3], activations: ['relu', 'sigmoid', 'tanh'] });
      const path = join(dir, `ours-${seed}.h5`);
      writeFileSync(path, (await kerasH5Codec.encode(net))[KERAS_H5_FILE]!);
      const x = randomInputs(seed, 10, net.features.length);
      const answer = runReader<{ outputs: number[][]; layers: string[]; weight_names: string[] }>(
        'keras_h5_numpy.py',
        { model: path, rows: rowsOf(x, net.features.length) },
      );
      expect(answer.layers).toEqual(['dense', 'dense_1', 'dense_2']);
      expect(answer.weight_names.slice(0, 2)).toEqual(['dense/kernel:0', 'dense/bias:0']);
      expect(
        maxRelativeDifference(forwardDense(net, x, 10), Float64Array.from(answer.outputs.flat())),
      ).toBeLessThan(1e-9);
    }
  });

  function writeKerasStyle(net: DenseNetwork, keras3Names: boolean): Uint8Array {
    const path = join(dir, `keras-${keras3Names ? 3 : 2}.h5`);
    let inputs = net.features.length;
    const layers = net.layers.map((l) => {
      const kernel = Array.from({ length: inputs }, (_, i) =>
        Array.from(l.kernel.subarray(i * l.units, (i + 1) * l.units)),
      );
      inputs = l.units;
      return { units: l.units, activation: l.activation, kernel, bias: Array.from(l.bias) };
    });
    const script = fileURLToPath(new URL('../../../test/readers/write_keras2_h5.py', import.meta.url));
    const run = spawnSync(DEBIAN_PYTHON, [script], {
      input: JSON.stringify({ path, features: net.features.length, layers, keras3_names: keras3Names }),
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(run.stderr);
    return readFileSync(path);
  }

  for (const keras3Names of [false, true]) {
    it.skipIf(!available)(
      `decodes a file written the way Keras ${keras3Names ? '3 (legacy h5)' : '2'} names weights`,
      async () => {
        const net = randomNetwork(31, { withScale: false, hidden: [4], activations: ['tanh'] });
        const decoded = await decodeKerasH5Network(writeKerasStyle(net, keras3Names));
        // No modelshelf attribute in a Keras-written file: names are positional.
        expect(decoded.features).toEqual(net.features.map((_, i) => `x${i}`));
        expect(decoded.layers.map((l) => l.activation)).toEqual(['tanh', 'linear']);
        const x = randomInputs(31, 8, net.features.length);
        expect(maxRelativeDifference(forwardDense(net, x, 8), forwardDense(decoded, x, 8))).toBe(0);
      },
    );
  }
});
