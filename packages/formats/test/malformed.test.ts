import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ArtifactBytes, memoryArtifactFiles } from '../src/artifact-bytes.ts';
import { kerasH5Codec } from '../src/keras-h5.ts';
import { TFJS_MODEL_FILE, TFJS_SHARD_FILE, tfjsLayersCodec } from '../src/tfjs-layers.ts';
import { tfliteCodec } from '../src/tflite.ts';
import { type FormatCodec, FormatError } from '../src/types.ts';
import { randomNetwork } from './random-network.ts';

// Whatever happens to the bytes, a decoder either decodes or throws a FormatError: never another error
// type, a crash of the process, or a hang. A flip that lands in a weight may still decode; that is fine.

type EncodableCodec = FormatCodec & { encode(net: ReturnType<typeof randomNetwork>): Promise<ArtifactBytes> };

async function outcome(codec: FormatCodec, files: ArtifactBytes): Promise<'decoded' | 'format-error'> {
  try {
    const model = await codec.decode(memoryArtifactFiles(files));
    model.predict(new Float64Array(model.features.length), 1);
    return 'decoded';
  } catch (err) {
    if (err instanceof FormatError) return 'format-error';
    throw err;
  }
}

function truncationOffsets(length: number): number[] {
  const offsets = new Set<number>([0, 1, 4, 7, 8, 12, 16, length - 1, length - 4]);
  for (let i = 1; i < 60; i++) offsets.add(Math.floor((length * i) / 60));
  return [...offsets].filter((o) => o >= 0 && o < length).sort((a, b) => a - b);
}

const cases: { name: string; codec: EncodableCodec; file: string }[] = [
  { name: 'tflite', codec: tfliteCodec, file: 'model.tflite' },
  { name: 'tfjs-layers model.json', codec: tfjsLayersCodec, file: TFJS_MODEL_FILE },
  { name: 'tfjs-layers weight shard', codec: tfjsLayersCodec, file: TFJS_SHARD_FILE },
  { name: 'keras-h5', codec: kerasH5Codec, file: 'model.h5' },
];

describe.each(cases)('malformed $name', ({ codec, file }) => {
  const net = randomNetwork(99, { hidden: [6, 3] });

  it('turns every truncation into a FormatError', async () => {
    const good = await codec.encode(net);
    const bytes = good[file]!;
    expect(await outcome(codec, good)).toBe('decoded');
    for (const at of truncationOffsets(bytes.length)) {
      const result = await outcome(codec, { ...good, [file]: bytes.subarray(0, at) });
      expect(result, `truncated at ${at} of ${bytes.length}`).toBe('format-error');
    }
  });

  it('never fails other than with a FormatError on random byte flips', async () => {
    const good = await codec.encode(net);
    const bytes = good[file]!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (flips) => {
          const damaged = bytes.slice();
          for (const [at, mask] of flips) damaged[at]! ^= mask;
          expect(['decoded', 'format-error']).toContain(await outcome(codec, { ...good, [file]: damaged }));
        },
      ),
      { seed: 20240611, numRuns: 150 },
    );
  });
});
