// kepler-zip: the model archives of kepler-model-db (`<model_name>.zip`). They hold scikit-learn /
// XGBoost models as pickles (or XGBoost JSON) plus a few JSON members. The archive is stored
// byte-identical to upstream and read directly at decode: a data-only pickle reader (allow-listed
// classes, nothing imported or executed; see ../kepler-archive) turns it into typed arrays, and the
// decoded model computes what scikit-learn / XGBoost compute, as Kepler's Python estimator serves it.

import { readKeplerArchive } from '../kepler-archive/archive.ts';
import { ArchiveError } from '../kepler-archive/convert/errors.ts';
import type { ArchiveModel } from '../kepler-archive/model.ts';
import { predict } from '../kepler-archive/predict.ts';
import type { ArtifactFiles, DecodedModel, FormatCodec } from '../types.ts';
import { FormatError } from '../types.ts';

export const KEPLER_ZIP_FORMAT = 'kepler-zip';

/** Said wherever such an archive is shown (manifest metadata `notes`, `show`). */
export const KEPLER_ZIP_NOTE =
  "kepler-zip archives hold Python pickles (scikit-learn/xgboost): modelshelf reads them as data (allow-listed classes only, nothing executed) and serves them like Kepler's Python estimator (per-component watts, negatives clamped to 0); the kepler-weights file of the same version, when present, is preferred";

/** A kepler-model-db archive, converted: per-component watts from raw feature values. */
export class KeplerArchiveModel implements DecodedModel {
  readonly format = KEPLER_ZIP_FORMAT;
  readonly features: readonly string[];
  readonly outputs: readonly string[];
  constructor(
    readonly archive: ArchiveModel,
    readonly path: string,
  ) {
    this.features = archive.features;
    this.outputs = archive.components.map((c) => c.name);
  }
  get trainer(): string {
    return this.archive.trainer;
  }
  /** rows × features raw values → rows × outputs watts (Kepler's estimator: `y[y < 0] = 0`). */
  predict(input: Float64Array, rows: number): Float64Array {
    if (input.length !== rows * this.features.length) {
      throw new FormatError(
        KEPLER_ZIP_FORMAT,
        this.path,
        `expected ${rows} × ${this.features.length} inputs, got ${input.length}`,
      );
    }
    return predict(this.archive, input, rows);
  }
}

const zipsOf = (files: ArtifactFiles) => files.paths().filter((p) => p.toLowerCase().endsWith('.zip'));

/** Bytes of one archive → a ready model; refusals are FormatErrors naming the member and class. */
export function decodeKeplerArchive(bytes: Uint8Array, path: string): KeplerArchiveModel {
  try {
    return new KeplerArchiveModel(readKeplerArchive(path, bytes), path);
  } catch (e) {
    if (e instanceof ArchiveError) {
      const why = e.cls ? `${e.message} (class ${e.cls})` : e.message;
      throw new FormatError(KEPLER_ZIP_FORMAT, path, why);
    }
    throw e;
  }
}

export const keplerZipCodec: FormatCodec<KeplerArchiveModel> = {
  name: KEPLER_ZIP_FORMAT,
  async detect(files) {
    const zips = zipsOf(files);
    if (zips.length !== 1) return false;
    const head = (await files.read(zips[0]!)).subarray(0, 4);
    return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
  },
  async decode(files) {
    const zips = zipsOf(files);
    if (zips.length !== 1) {
      throw new FormatError(
        KEPLER_ZIP_FORMAT,
        files.paths().join(', ') || '(no files)',
        `expected exactly one .zip archive, found ${zips.length}`,
      );
    }
    return decodeKeplerArchive(await files.read(zips[0]!), zips[0]!);
  },
};
