// A kepler-model-db archive (`<Trainer>_<node_type>.zip`) → ArchiveModel, reading it as Kepler's
// estimator does: metadata.json names the component index (`model_file`), whose entries give each
// component's model file, features and feature-engineering files (applied in order, then predict).

import { sidecarMainFeatureIndex } from '../kepler/main-feature.ts';
import { ArchiveError } from './convert/errors.ts';
import { convertModel, convertTransform } from './convert/sklearn.ts';
import { convertXgboost } from './convert/xgboost.ts';
import type { ArchiveModel, ComponentModel, Transform } from './model.ts';
import { PickleError } from './pickle/errors.ts';
import type { PyValue } from './pickle/values.ts';
import { type LoadOptions, loadPickle } from './pickle/vm.ts';
import { readZip, type ZipLimits } from './zip.ts';

/** Kepler's component order (the project's KEPLER_COMPONENTS); unknown names go last, sorted. */
const COMPONENT_ORDER = ['package', 'core', 'uncore', 'dram', 'platform'];

export interface ArchiveOptions {
  zip?: Partial<ZipLimits>;
  pickle?: LoadOptions['limits'];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function parseJson(path: string, bytes: Uint8Array | undefined): { [k: string]: Json } {
  if (!bytes) throw new ArchiveError(path, 'missing from the archive');
  let v: Json;
  try {
    v = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Json;
  } catch (e) {
    throw new ArchiveError(path, `not JSON (${(e as Error).message})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ArchiveError(path, 'is not a JSON object');
  return v;
}

function strings(path: string, v: Json | undefined, what: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
    throw new ArchiveError(path, `${what} is not a list of names`);
  return v as string[];
}

/** Converts an archive's bytes; `path` names it in errors. */
export function readKeplerArchive(
  path: string,
  bytes: Uint8Array,
  options: ArchiveOptions = {},
): ArchiveModel {
  const members = readZip(path, bytes, options.zip);
  return convertMembers(path, members, options);
}

/** Same, from already-extracted members (name → bytes), e.g. an archive's folder on disk. */
export function convertMembers(
  path: string,
  members: Map<string, Uint8Array>,
  options: ArchiveOptions = {},
): ArchiveModel {
  const at = (name: string) => `${path}!${name}`;
  const meta = parseJson(at('metadata.json'), members.get('metadata.json'));
  const modelName = typeof meta.model_name === 'string' ? meta.model_name : path.replace(/^.*\/|\.zip$/g, '');
  const modelClass = typeof meta.model_class === 'string' ? meta.model_class : 'unknown';
  const features = strings(at('metadata.json'), meta.features, 'features');
  const outputType = typeof meta.output_type === 'string' ? meta.output_type : 'unknown';
  const mae = typeof meta.mae === 'number' ? meta.mae : undefined;
  const trainer = modelName.replace(/_\d+$/, '');
  const modelFile = meta.model_file;
  if (typeof modelFile !== 'string') throw new ArchiveError(at('metadata.json'), 'model_file is not a name');
  if (modelClass === 'keras') throw new ArchiveError(path, 'keras archives are not converted');

  const pickles = new Map<string, PyValue>();
  const pickle = (name: string): PyValue => {
    const cached = pickles.get(name);
    if (cached !== undefined) return cached;
    const b = members.get(name);
    if (!b) throw new ArchiveError(at(name), 'missing from the archive');
    let v: PyValue;
    try {
      v = loadPickle(b, { joblib: true, limits: options.pickle });
    } catch (e) {
      if (e instanceof PickleError) {
        throw new ArchiveError(at(name), e.message, e.global);
      }
      throw e;
    }
    pickles.set(name, v);
    return v;
  };

  let index: { [k: string]: Json };
  if (modelFile.endsWith('.json')) index = parseJson(at(modelFile), members.get(modelFile));
  else {
    // a single (non-component) model: one output named after the output
    index = { power: { model_file: modelFile, features, fe_files: meta.fe_files ?? [] } };
  }
  const components: ComponentModel[] = [];
  for (const [name, entry] of Object.entries(index)) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) continue; // tolerate extra keys
    const where = at(`${modelFile}#${name}`);
    const file = entry.model_file;
    if (typeof file !== 'string') throw new ArchiveError(where, 'model_file is not a name');
    const cf = strings(where, entry.features ?? features, 'features');
    if (cf.length !== features.length || cf.some((f, i) => f !== features[i])) {
      throw new ArchiveError(
        where,
        `features ${cf.join(',')} differ from the archive's ${features.join(',')}`,
      );
    }
    const transforms: Transform[] = [];
    let width = features.length;
    for (const fe of strings(where, entry.fe_files ?? [], 'fe_files')) {
      const t = convertTransform(at(fe), pickle(fe), width);
      transforms.push(t);
      if (t.kind === 'polynomial') width = t.nOutput;
    }
    let estimator: ComponentModel['estimator'];
    if (modelClass === 'xgboost' || file.endsWith('.json')) {
      const b = members.get(file);
      if (!b) throw new ArchiveError(at(file), 'missing from the archive');
      estimator = convertXgboost(at(file), b, width);
    } else {
      const converted = convertModel(at(file), pickle(file), width);
      transforms.push(...converted.transforms);
      estimator = converted.estimator;
    }
    components.push({
      name,
      transforms,
      estimator: asTheSidecarReadsIt(estimator, features, name),
      nFeatures: features.length,
    });
  }
  if (components.length === 0) throw new ArchiveError(path, 'no components');
  const rank = (n: string) => {
    const i = COMPONENT_ORDER.indexOf(n);
    return i < 0 ? COMPONENT_ORDER.length : i;
  };
  components.sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { modelName, trainer, modelClass, features, outputType, mae, components };
}

/**
 * Kepler's sidecar does not use a curve fit's pickled feature_index: on load it sets it to the main
 * feature of the first feature group the model's features contain (kepler/main-feature.ts). For Basic,
 * BPFIRQ dram, CounterOnly and CounterIRQCombined models that is another column than the one trained
 * on; the sidecar's answer is the one served. Features that fit no group keep the pickled index.
 */
function asTheSidecarReadsIt(
  estimator: ComponentModel['estimator'],
  features: readonly string[],
  component: string,
): ComponentModel['estimator'] {
  if (estimator.kind !== 'curve-fit') return estimator;
  const column = sidecarMainFeatureIndex(features, component);
  return column === undefined || column >= features.length
    ? estimator
    : { ...estimator, featureIndex: column };
}
