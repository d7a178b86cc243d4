import { describe, expect, it } from 'vitest';
import { type ArtifactBytes, memoryArtifactFiles } from '../src/artifact-bytes.ts';
import type { DenseNetwork } from '../src/dense/network.ts';
import {
  DEFAULT_FORMAT_PREFERENCE,
  type DeclaredFormat,
  defaultFormatRegistry,
  FormatRegistry,
  NoDecodableFormatError,
} from '../src/format-registry.ts';
import { kerasH5Codec } from '../src/keras-h5.ts';
import { tfjsLayersCodec } from '../src/tfjs-layers.ts';
import { tfliteCodec } from '../src/tflite.ts';
import type { FormatCodec } from '../src/types.ts';
import { randomInputs, randomNetwork } from './random-network.ts';

/** One network published as three formats, each under its own directory, as a manifest would list them. */
async function multiFormatVersion(net: DenseNetwork) {
  const bytes: ArtifactBytes = {};
  const declared: DeclaredFormat[] = [];
  for (const [dir, codec] of [
    ['tfjs', tfjsLayersCodec],
    ['keras', kerasH5Codec],
    ['tflite', tfliteCodec],
  ] as const) {
    const files = await codec.encode(net);
    const paths = Object.keys(files).map((p) => `${dir}/${p}`);
    for (const [p, b] of Object.entries(files)) bytes[`${dir}/${p}`] = b;
    declared.push({ name: codec.name, files: paths });
  }
  return { bytes, declared };
}

const corrupt = (b: Uint8Array) => b.slice(0, Math.floor(b.length / 3));

describe('FormatRegistry.decodeBest', () => {
  const net = randomNetwork(77, { hidden: [4] });
  const x = randomInputs(77, 3, net.features.length);

  it('picks the best declared format in the default order (tflite before tfjs and h5)', async () => {
    const { bytes, declared } = await multiFormatVersion(net);
    const model = await defaultFormatRegistry().decodeBest(memoryArtifactFiles(bytes), declared);
    expect(model.format).toBe('tflite');
    expect(model.predict(x, 3)).toHaveLength(3 * net.outputs.length);
  });

  it('honours an overriding preference', async () => {
    const { bytes, declared } = await multiFormatVersion(net);
    const model = await defaultFormatRegistry().decodeBest(memoryArtifactFiles(bytes), declared, [
      'keras-h5',
      'tflite',
    ]);
    expect(model.format).toBe('keras-h5');
  });

  it('falls back to the next format when the best one is corrupt', async () => {
    const { bytes, declared } = await multiFormatVersion(net);
    bytes['tflite/model.tflite'] = corrupt(bytes['tflite/model.tflite']!);
    const model = await defaultFormatRegistry().decodeBest(memoryArtifactFiles(bytes), declared);
    expect(model.format).toBe('tfjs-layers');
  });

  it('reports every failure when no format decodes', async () => {
    const { bytes, declared } = await multiFormatVersion(net);
    for (const key of Object.keys(bytes)) if (!key.endsWith('model.json')) bytes[key] = corrupt(bytes[key]!);
    const attempt = defaultFormatRegistry().decodeBest(memoryArtifactFiles(bytes), [
      ...declared,
      { name: 'onnx', files: [] },
    ]);
    await expect(attempt).rejects.toBeInstanceOf(NoDecodableFormatError);
    const error = (await attempt.catch((e) => e)) as NoDecodableFormatError;
    expect(error.failures.map((f) => f.format)).toEqual(['onnx', 'tflite', 'tfjs-layers', 'keras-h5']);
    expect(error.message).toMatch(/no codec registered for "onnx"/);
  });

  it('detects formats by their files when the manifest declares none', async () => {
    const files = memoryArtifactFiles(await kerasH5Codec.encode(net));
    expect((await defaultFormatRegistry().decodeBest(files)).format).toBe('keras-h5');
    await expect(
      defaultFormatRegistry().decodeBest(memoryArtifactFiles({ 'notes.txt': new Uint8Array(1) })),
    ).rejects.toThrow(/no known format matched/);
  });

  it('lets others register their codecs and slots them by the preference list, unknown names last', () => {
    const stub = (name: string): FormatCodec => ({
      name,
      detect: async () => false,
      decode: async () => {
        throw new Error('not used');
      },
    });
    const registry = new FormatRegistry()
      .register(stub('custom-format'))
      .register(tfliteCodec)
      .register(stub('kepler-weights'));
    expect(registry.ordered()).toEqual(['kepler-weights', 'tflite', 'custom-format']);
    expect(registry.ordered(['custom-format'])[0]).toBe('custom-format');
    expect(DEFAULT_FORMAT_PREFERENCE.indexOf('tflite')).toBeLessThan(
      DEFAULT_FORMAT_PREFERENCE.indexOf('keras-h5'),
    );
  });
});
