// Decoding an export the way the loader does: through the default format registry with the manifest's
// declared formats, so a trainer's files are proven readable by the product's own decoder path.
import { type DecodedModel, defaultFormatRegistry, memoryArtifactFiles } from '@modelshelf/formats';
import type { ExportedModel } from '../../src/trainers/types.ts';

/** Decodes `format` (one of the export's declared formats) through defaultFormatRegistry(). */
export function decodeThroughRegistry(exported: ExportedModel, format: string): Promise<DecodedModel> {
  const declared = exported.formats.filter((f) => f.name === format);
  if (declared.length === 0) {
    throw new Error(`export declares no ${format} (has ${exported.formats.map((f) => f.name).join(', ')})`);
  }
  const files = memoryArtifactFiles(Object.fromEntries(exported.files.map((f) => [f.path, f.data])));
  return defaultFormatRegistry().decodeBest(files, declared);
}
