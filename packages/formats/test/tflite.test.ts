import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirePython, runReader } from '../../../test/readers/run-reader.ts';
import { memoryArtifactFiles } from '../src/artifact-bytes.ts';
import { forwardDense, linearNetwork } from '../src/dense/network.ts';
import { decodeTfliteNetwork, tfliteCodec } from '../src/tflite.ts';
import { buildTfliteModel, encodeTflite } from '../src/tflite-writer.ts';
import { maxRelativeDifference, randomInputs, randomNetwork } from './random-network.ts';

describe('tflite codec', () => {
  it('round-trips random dense networks with equal predictions', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const net = randomNetwork(seed);
      const files = memoryArtifactFiles(await tfliteCodec.encode(net));
      expect(await tfliteCodec.detect(files)).toBe(true);
      const model = await tfliteCodec.decode(files);
      expect(model.features).toEqual(net.features);
      expect(model.outputs).toEqual(net.outputs);
      expect(model.network.layers.map((l) => l.activation)).toEqual(net.layers.map((l) => l.activation));
      const x = randomInputs(seed, 20, net.features.length);
      // Scaling is folded into the first layer's float32 weights, hence a tolerance rather than equality.
      expect(maxRelativeDifference(forwardDense(net, x, 20), model.predict(x, 20))).toBeLessThan(1e-5);
    }
  });

  it('writes the schema essentials: identifier, version 3, empty buffer 0', () => {
    const bytes = encodeTflite(randomNetwork(3));
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('TFL3');
    // Breaking the identifier must be refused, proving the decoder checks it.
    const broken = bytes.slice();
    broken[7] = 0x30;
    expect(() => decodeTfliteNetwork(broken)).toThrow(/TFL3/);
  });

  it('encodes a linear model as a single FULLY_CONNECTED', () => {
    const net = linearNetwork(
      ['a', 'b'],
      ['package', 'dram'],
      [
        [1, 2],
        [3, 4],
      ],
      [0.5, -1],
    );
    const decoded = decodeTfliteNetwork(encodeTflite(net));
    expect(decoded.layers).toHaveLength(1);
    expect(Array.from(forwardDense(decoded, Float64Array.from([10, 100]), 1))).toEqual([210.5, 429]);
  });

  const oneLayerSpec = (opcode: number, fused: number) => ({
    buffers: [
      new Uint8Array(0),
      new Uint8Array(new Float32Array([1, 2]).buffer),
      new Uint8Array(new Float32Array([0.5]).buffer),
      new TextEncoder().encode('{"features":["a","b"],"outputs":["y"]}'),
    ],
    tensors: [
      { name: 'in', shape: [1, 2], buffer: 0 },
      { name: 'w', shape: [1, 2], buffer: 1 },
      { name: 'b', shape: [1], buffer: 2 },
      { name: 'out', shape: [1, 1], buffer: 0 },
    ],
    operators: [{ opcode, inputs: [0, 1, 2], outputs: [3], fused }],
    opcodes: [opcode],
    graphInput: 0,
    graphOutput: 3,
    metadataBuffer: 3,
    description: 'hand-built',
  });

  it('decodes a hand-built one-layer model (the spec the refusals below vary)', () => {
    const net = decodeTfliteNetwork(buildTfliteModel(oneLayerSpec(9, 0)));
    expect(Array.from(forwardDense(net, Float64Array.from([3, 4]), 1))).toEqual([11.5]);
  });

  it('names an unsupported operator', () => {
    expect(() => decodeTfliteNetwork(buildTfliteModel(oneLayerSpec(22, 0)))).toThrow(/builtin operator 22/);
  });

  it('names an unsupported fused activation', () => {
    expect(() => decodeTfliteNetwork(buildTfliteModel(oneLayerSpec(9, 3)))).toThrow(/RELU6/);
  });
});

describe('tflite independent reader: Arm NN TfLite parser on CpuRef', () => {
  const available = requirePython(
    ['numpy', 'pyarmnn'],
    ['python3-pyarmnn', 'libarmnn-cpuref-backend22', 'libarmnntfliteparser22'],
    'formats: TFLite through Arm NN',
  );
  it.skipIf(!available)('reproduces the outputs of our forward pass', () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelshelf-tflite-'));
    try {
      for (const seed of [11, 12, 13, 14]) {
        const net = randomNetwork(seed, { hidden: [6, 4], activations: ['relu', 'tanh', 'sigmoid'] });
        const path = join(dir, `${seed}.tflite`);
        writeFileSync(path, encodeTflite(net));
        const rows = 8;
        const x = randomInputs(seed, rows, net.features.length);
        const expected = forwardDense(net, x, rows);
        const rowArrays = Array.from({ length: rows }, (_, r) =>
          Array.from(x.subarray(r * net.features.length, (r + 1) * net.features.length)),
        );
        const { outputs } = runReader<{ outputs: number[][] }>('armnn_tflite.py', {
          model: path,
          rows: rowArrays,
        });
        expect(maxRelativeDifference(expected, Float64Array.from(outputs.flat()))).toBeLessThan(1e-4);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
