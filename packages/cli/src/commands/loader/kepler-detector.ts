// Recognises Kepler weight JSON among the files of a `modelshelf push` without --format, so the version
// declares `kepler-weights` (with metadata.json, which tells the codec the trainer). Imported on its own,
// lazily (program.ts), so that `push` never loads the loader's runtimes.

import { KEPLER_WEIGHTS_FORMAT, keplerWeightsCodec } from '@modelshelf/formats';
import { type FormatDetector, registerFormatDetector } from '../../kit/index.ts';

/** Weight files are a few KiB; bigger .json files are not read at all. */
const MAX_WEIGHTS_BYTES = 4 * 1024 * 1024;
const isMetadata = (path: string) => path.split('/').pop()!.toLowerCase() === 'metadata.json';

export const detectKeplerWeightsFiles: FormatDetector = async (files) => {
  const json = files.filter((f) => f.path.toLowerCase().endsWith('.json'));
  const weights = json.filter((f) => !isMetadata(f.path));
  if (weights.length !== 1 || weights[0]!.size > MAX_WEIGHTS_BYTES) return undefined;
  const byPath = new Map(json.map((f) => [f.path, f]));
  const recognised = await keplerWeightsCodec.detect({
    paths: () => [...byPath.keys()],
    read: (path) => byPath.get(path)!.read(),
  });
  if (!recognised) return undefined;
  const metadata = json.find((f) => isMetadata(f.path));
  return {
    name: KEPLER_WEIGHTS_FORMAT,
    files: metadata ? [weights[0]!.path, metadata.path] : [weights[0]!.path],
  };
};

/** Makes `push` declare kepler-weights for unmarked weight files (idempotent). */
export function registerKeplerFormatDetector(): void {
  registerFormatDetector(KEPLER_WEIGHTS_FORMAT, detectKeplerWeightsFiles);
}
