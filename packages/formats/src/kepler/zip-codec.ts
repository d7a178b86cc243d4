// kepler-zip: the model archives of kepler-model-db (`<model_name>.zip`). They hold scikit-learn /
// xgboost pickles plus a few JSON members; pickles are Python object graphs that only a Python
// interpreter can rebuild, so Node keeps them as opaque, digest-checked files and never runs them.
import { type ArtifactFiles, type FormatCodec, FormatError } from '../types.ts';

export const KEPLER_ZIP_FORMAT = 'kepler-zip';

/** Said wherever such an archive is shown (manifest metadata `notes`, decode errors). */
export const KEPLER_ZIP_NOTE =
  'kepler-zip archives hold Python pickles (scikit-learn/xgboost): kept as opaque files, they cannot run in Node; use the kepler-weights file of the same version, or pull the archive for a Python estimator';

/**
 * Declared in manifests so `show` and `pull` name the archive's format; never detected (a zip alone
 * says nothing about what it holds) and never decoded: decode explains why instead of failing obscurely.
 */
export const keplerZipCodec: FormatCodec = {
  name: KEPLER_ZIP_FORMAT,
  async detect() {
    return false;
  },
  async decode(files: ArtifactFiles) {
    throw new FormatError(KEPLER_ZIP_FORMAT, files.paths().join(', ') || '(no files)', KEPLER_ZIP_NOTE);
  },
};
