// modelshelf-json: one self-describing JSON file for the models Kepler's weight JSON cannot express
// (polynomial, gradient boosting, k-nearest neighbours, small dense networks). Spec: docs/formats/modelshelf-json.md.
import { findByBasename } from './artifact-bytes.ts';
import { encodeModelshelfJsonFiles } from './modelshelf-json/encode.ts';
import {
  MODELSHELF_JSON_FILE,
  MODELSHELF_JSON_FORMAT,
  type ModelshelfModel,
} from './modelshelf-json/model.ts';
import { parseModelshelfJson } from './modelshelf-json/parse.ts';
import { compileModel } from './modelshelf-json/predict.ts';
import { type ArtifactFiles, type DecodedModel, type FormatCodec, FormatError } from './types.ts';

export { encodeModelshelfJson, encodeModelshelfJsonFiles } from './modelshelf-json/encode.ts';
export { KdTree } from './modelshelf-json/kd-tree.ts';
export * from './modelshelf-json/model.ts';
export { MODELSHELF_JSON_LIMITS, parseModelshelfJson } from './modelshelf-json/parse.ts';
export { compileModel, type ModelshelfPredictor } from './modelshelf-json/predict.ts';

export interface DecodedModelshelfModel extends DecodedModel {
  readonly kind: ModelshelfModel['kind'];
  readonly model: ModelshelfModel;
}

/** Only the first bytes are read by detect: enough to see the format marker the encoder writes first. */
const DETECT_PREFIX = 96;

export function decodedModelshelfModel(model: ModelshelfModel): DecodedModelshelfModel {
  const compiled = compileModel(model);
  return {
    format: MODELSHELF_JSON_FORMAT,
    kind: model.kind,
    model,
    features: model.features,
    outputs: compiled.outputs,
    predict: (input, rows) => compiled.predict(input, rows),
  };
}

function locate(files: ArtifactFiles): string | undefined {
  return findByBasename(files, MODELSHELF_JSON_FILE);
}

export const modelshelfJsonCodec: FormatCodec<DecodedModelshelfModel> & {
  encode(model: ModelshelfModel): Record<string, Uint8Array>;
} = {
  name: MODELSHELF_JSON_FORMAT,
  async detect(files) {
    const path = locate(files);
    if (!path) return false;
    const head = new TextDecoder().decode((await files.read(path)).subarray(0, DETECT_PREFIX));
    return /^\s*\{\s*"format"\s*:\s*"modelshelf-json"/.test(head);
  },
  async decode(files) {
    const path = locate(files);
    if (!path) {
      throw new FormatError(
        MODELSHELF_JSON_FORMAT,
        '(none)',
        `no ${MODELSHELF_JSON_FILE} among ${files.paths().join(', ') || '(no files)'}`,
      );
    }
    return decodedModelshelfModel(parseModelshelfJson(await files.read(path), path));
  },
  encode: encodeModelshelfJsonFiles,
};
