import { findByBasename } from './artifact-bytes.ts';
import type { ArtifactFiles, DecodedModel, FormatCodec } from './types.ts';
import { FormatError } from './types.ts';

// TensorFlow SavedModel: a directory (saved_model.pb + variables/…). modelshelf stores and serves it as an
// opaque directory artifact; decoding needs the TensorFlow C library, which only @tensorflow/tfjs-node
// brings. That package is an optional peer: imported dynamically, so the loader works without it.

export const SAVEDMODEL_FORMAT = 'savedmodel';
export const SAVEDMODEL_GRAPH_FILE = 'saved_model.pb';
export const SAVEDMODEL_MISSING_RUNTIME = 'install @tensorflow/tfjs-node to decode SavedModel';

/** The SavedModel root inside the artifact ("" or "some/dir/"), when the files look like one. */
export function savedModelRoot(files: ArtifactFiles): string | undefined {
  const pb = findByBasename(files, SAVEDMODEL_GRAPH_FILE);
  if (!pb) return undefined;
  const root = pb.slice(0, pb.length - SAVEDMODEL_GRAPH_FILE.length);
  return files.paths().some((p) => p.startsWith(`${root}variables/`)) ? root : undefined;
}

/** Resolves the optional runtime; kept as a parameter so the "not installed" path is testable anywhere. */
export type TfjsNodeImporter = () => Promise<unknown>;

const importTfjsNode: TfjsNodeImporter = async () => {
  const specifier = '@tensorflow/tfjs-node';
  return import(/* @vite-ignore */ specifier);
};

export function createSavedModelCodec(importRuntime: TfjsNodeImporter = importTfjsNode): FormatCodec {
  return {
    name: SAVEDMODEL_FORMAT,
    async detect(files) {
      return savedModelRoot(files) !== undefined;
    },
    async decode(files): Promise<DecodedModel> {
      const root = savedModelRoot(files);
      if (root === undefined) {
        throw new FormatError(
          SAVEDMODEL_FORMAT,
          '(none)',
          `needs ${SAVEDMODEL_GRAPH_FILE} and a variables/ directory next to it; have ${files.paths().join(', ')}`,
        );
      }
      try {
        await importRuntime();
      } catch {
        throw new FormatError(
          SAVEDMODEL_FORMAT,
          `${root}${SAVEDMODEL_GRAPH_FILE}`,
          SAVEDMODEL_MISSING_RUNTIME,
        );
      }
      // tfjs-node loads SavedModels from a real directory only and needs the signature's tensor names and
      // the feature/output names from a sidecar; no machine here can run it, so this stays unimplemented
      // rather than untested.
      throw new FormatError(
        SAVEDMODEL_FORMAT,
        `${root}${SAVEDMODEL_GRAPH_FILE}`,
        'decoding SavedModel through @tensorflow/tfjs-node is not implemented yet; publish tfjs-layers or tflite alongside',
      );
    },
  };
}

export const savedModelCodec = createSavedModelCodec();
