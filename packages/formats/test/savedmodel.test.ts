import { describe, expect, it } from 'vitest';
import { memoryArtifactFiles } from '../src/artifact-bytes.ts';
import { createSavedModelCodec, SAVEDMODEL_MISSING_RUNTIME, savedModelCodec } from '../src/savedmodel.ts';
import { FormatError } from '../src/types.ts';

const savedModelFiles = memoryArtifactFiles({
  'export/saved_model.pb': new Uint8Array([8, 1]),
  'export/variables/variables.index': new Uint8Array(4),
  'export/variables/variables.data-00000-of-00001': new Uint8Array(16),
});

describe('savedmodel codec', () => {
  it('detects saved_model.pb with a variables/ directory beside it, and nothing less', async () => {
    expect(await savedModelCodec.detect(savedModelFiles)).toBe(true);
    expect(await savedModelCodec.detect(memoryArtifactFiles({ 'saved_model.pb': new Uint8Array(1) }))).toBe(
      false,
    );
  });

  it('asks for @tensorflow/tfjs-node when it cannot be imported (as on this machine)', async () => {
    const attempt = savedModelCodec.decode(savedModelFiles);
    await expect(attempt).rejects.toBeInstanceOf(FormatError);
    await expect(attempt).rejects.toThrow(SAVEDMODEL_MISSING_RUNTIME);
    await expect(attempt).rejects.toMatchObject({ format: 'savedmodel', path: 'export/saved_model.pb' });
  });

  it('gets past the runtime check when the runtime is present, then says decoding is not implemented', async () => {
    const codec = createSavedModelCodec(async () => ({}));
    await expect(codec.decode(savedModelFiles)).rejects.toThrow(/not implemented/);
  });
});
