// kepler-zip through the one format registry: declared archives decode to per-component watts equal to
// the archive reader's; an archive naming a class outside the allow-list is a FormatError naming it.
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { memoryArtifactFiles } from '../../src/artifact-bytes.ts';
import { defaultFormatRegistry, NoDecodableFormatError } from '../../src/format-registry.ts';
import { KeplerArchiveModel, keplerZipCodec } from '../../src/kepler/zip-codec.ts';
import { predict, readKeplerArchive } from '../../src/kepler-archive/index.ts';
import { FormatError } from '../../src/types.ts';
import { ARCHIVES, readArchive, sampleRows } from './fixtures.ts';

describe('kepler-zip in the format registry', () => {
  it('decodes every fixture archive declared as kepler-zip, same watts as the reader', async () => {
    const registry = defaultFormatRegistry();
    for (const path of ARCHIVES) {
      const name = path.split('/').pop()!;
      const bytes = readArchive(path);
      const files = memoryArtifactFiles({ [name]: bytes, 'metadata.json': strToU8('{}') });
      const model = await registry.decodeBest(files, [{ name: 'kepler-zip', files: [name] }]);
      expect(model).toBeInstanceOf(KeplerArchiveModel);
      expect(model.format).toBe('kepler-zip');
      const direct = readKeplerArchive(name, bytes);
      expect(model.features).toEqual(direct.features);
      expect(model.outputs).toEqual(direct.components.map((c) => c.name));
      const x = sampleRows(direct, 8, 3);
      expect(Array.from(model.predict(x, 8))).toEqual(Array.from(predict(direct, x, 8)));
    }
  });

  it('detects a lone zip archive, and refuses others plainly', async () => {
    const name = ARCHIVES[0]!.split('/').pop()!;
    expect(await keplerZipCodec.detect(memoryArtifactFiles({ [name]: readArchive(ARCHIVES[0]!) }))).toBe(
      true,
    );
    expect(await keplerZipCodec.detect(memoryArtifactFiles({ 'a.json': strToU8('{}') }))).toBe(false);
    await expect(keplerZipCodec.decode(memoryArtifactFiles({ 'a.json': strToU8('{}') }))).rejects.toThrow(
      /exactly one \.zip/,
    );
  });

  it('an archive outside the allow-list is a FormatError naming the class', async () => {
    const zip = zipSync({
      'metadata.json': strToU8(
        JSON.stringify({ model_name: 'X_0', model_class: 'scikit', model_file: 'X_0.json', features: ['f'] }),
      ),
      'X_0.json': strToU8(
        JSON.stringify({ platform: { model_file: 'p.pkl', features: ['f'], fe_files: [] } }),
      ),
      'p.pkl': new Uint8Array(
        Buffer.from('\x80\x04\x8c\nsubprocess\x8c\x05Popen\x93\x8c\x02id\x85R.', 'latin1'),
      ),
    });
    const files = memoryArtifactFiles({ 'X_0.zip': zip });
    const err = await keplerZipCodec.decode(files).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).message).toMatch(/kepler-zip: X_0\.zip: .*p\.pkl.*subprocess\.Popen/);
    const viaRegistry = await defaultFormatRegistry()
      .decodeBest(files, [{ name: 'kepler-zip', files: ['X_0.zip'] }])
      .catch((e: unknown) => e);
    expect(viaRegistry).toBeInstanceOf(NoDecodableFormatError);
    expect((viaRegistry as Error).message).toMatch(/subprocess\.Popen/);
  });
});
