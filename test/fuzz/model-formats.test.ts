// The model decoders that read artifact bytes from storage: Kepler weight JSON, tfjs model.json,
// Keras HDF5 and TFLite. Whatever the bytes (damaged valid files, hostile JSON), each one decodes
// or throws its FormatError, never a TypeError/RangeError, and each input finishes in bounded time.
// The tfjs, HDF5 and TFLite decoders cost milliseconds per input: see heavyRuns in fuzz-kit.ts.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryArtifactFiles } from '../../packages/formats/src/artifact-bytes.ts';
import { DenseNetworkError } from '../../packages/formats/src/dense/network.ts';
import { type Hdf5Node, readHdf5Tree } from '../../packages/formats/src/hdf5-tree.ts';
import { decodeKeplerWeights, KeplerWeightsError } from '../../packages/formats/src/kepler/index.ts';
import { KerasH5Error, kerasH5Codec, networkFromHdf5Tree } from '../../packages/formats/src/keras-h5.ts';
import { TFJS_MODEL_FILE, tfjsLayersCodec } from '../../packages/formats/src/tfjs-layers.ts';
import { decodeTfliteNetwork, tfliteCodec } from '../../packages/formats/src/tflite.ts';
import { FormatError } from '../../packages/formats/src/types.ts';
import { randomNetwork } from '../../packages/formats/test/random-network.ts';
import { expectTyped, expectTypedSync, heavyRuns, mutatedBytes, mutatedJson, params } from './fuzz-kit.ts';

const KEPLER_FIXTURE = new URL(
  '../../fixtures/kepler/kepler-model-db/models/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0.json',
  import.meta.url,
);
const encoder = new TextEncoder();
const net = randomNetwork(7, { hidden: [4] });
const counts: string[] = [];
afterAll(() => console.info(`fuzz cases (seeded): ${counts.join(', ')}`));

describe('Kepler weight JSON under hostile input', () => {
  const valid = new Uint8Array(readFileSync(KEPLER_FIXTURE));
  const decode = (bytes: Uint8Array) => decodeKeplerWeights(bytes, { path: 'SGDRegressorTrainer_0.json' });

  it('decodes the real fixture (the seed of the mutations)', () => {
    expect(decode(valid)).toBeDefined();
  });

  it('damaged bytes → KeplerWeightsError only', () => {
    const p = params();
    fc.assert(
      fc.property(mutatedBytes(valid), (b) => void expectTypedSync(() => decode(b), [KeplerWeightsError])),
      p,
    );
    counts.push(`kepler bytes ${p.numRuns}`);
  });

  it('structurally wrong JSON → KeplerWeightsError only', () => {
    const p = params();
    fc.assert(
      fc.property(mutatedJson(JSON.parse(new TextDecoder().decode(valid))), (doc) => {
        expectTypedSync(() => decode(encoder.encode(JSON.stringify(doc) ?? 'null')), [KeplerWeightsError]);
      }),
      p,
    );
    counts.push(`kepler json ${p.numRuns}`);
  });
});

describe('TFLite flatbuffer under hostile input', () => {
  it('damaged bytes → FormatError only (the whole codec), and the raw reader never crashes', async () => {
    const valid = (await tfliteCodec.encode(net))['model.tflite']!;
    await tfliteCodec.decode(memoryArtifactFiles({ 'model.tflite': valid }));
    const p = params(heavyRuns(10_000));
    await fc.assert(
      fc.asyncProperty(mutatedBytes(valid), async (b) => {
        await expectTyped(
          () => tfliteCodec.decode(memoryArtifactFiles({ 'model.tflite': b })),
          [FormatError],
        );
      }),
      p,
    );
    counts.push(`tflite ${p.numRuns}`);
    expect(() => decodeTfliteNetwork(new Uint8Array(3))).toThrow();
  });
});

describe('tfjs model.json under hostile input', () => {
  it('damaged model.json text and structure → FormatError only', async () => {
    const good = await tfjsLayersCodec.encode(net);
    const validJson = JSON.parse(new TextDecoder().decode(good[TFJS_MODEL_FILE]!));
    await tfjsLayersCodec.decode(memoryArtifactFiles(good));
    const input = fc.oneof(
      mutatedBytes(good[TFJS_MODEL_FILE]!),
      mutatedJson(validJson).map((doc) => encoder.encode(JSON.stringify(doc) ?? 'null')),
    );
    const p = params(heavyRuns(10_000));
    await fc.assert(
      fc.asyncProperty(input, async (modelJson) => {
        await expectTyped(
          () => tfjsLayersCodec.decode(memoryArtifactFiles({ ...good, [TFJS_MODEL_FILE]: modelJson })),
          [FormatError],
        );
      }),
      p,
    );
    counts.push(`tfjs model.json ${p.numRuns}`);
  });
});

describe('Keras HDF5 under hostile input', () => {
  it('damaged bytes → FormatError only (h5wasm runs in a worker; each input is time-bounded)', async () => {
    const valid = (await kerasH5Codec.encode(net))['model.h5']!;
    // Warm up: the first decode starts h5wasm (about two seconds), which is not the input's fault.
    await kerasH5Codec.decode(memoryArtifactFiles({ 'model.h5': valid }));
    const p = params(heavyRuns(120));
    await fc.assert(
      fc.asyncProperty(mutatedBytes(valid), async (b) => {
        await expectTyped(() => kerasH5Codec.decode(memoryArtifactFiles({ 'model.h5': b })), [FormatError]);
      }),
      p,
    );
    counts.push(`keras-h5 ${p.numRuns}`);
  });
});

describe('Keras HDF5 object trees under hostile content', () => {
  it('damaged trees (what a valid-looking HDF5 file may hold) → KerasH5Error or DenseNetworkError only', async () => {
    const valid = (await kerasH5Codec.encode(net))['model.h5']!;
    const tree = await readHdf5Tree(valid);
    expect(networkFromHdf5Tree(tree).layers.length).toBe(net.layers.length);
    const p = params();
    fc.assert(
      fc.property(mutatedJson(tree), (t) => {
        expectTypedSync(() => networkFromHdf5Tree(t as Hdf5Node), [KerasH5Error, DenseNetworkError]);
      }),
      p,
    );
    counts.push(`keras-h5 trees ${p.numRuns}`);
  });
});
