// Finds the models of a kepler-model-db tree. Kepler stores a model at
//   <pipeline>/<energy_source>/<output_type>/<feature_group>/<model_name>{.json,.zip,/}
// (output_type AbsPower or DynPower): `<model_name>.json` holds the weights (linear and curve-fit models
// only), `<model_name>.zip` the archive, and the folder `<model_name>/` the archive's JSON members
// (metadata.json and, for models without weights, a component index). The oldest trees keep one
// `weight.json` in the feature-group folder. The path is recognised from the segment around the
// output type, so a tree, a pipeline, one model folder or one file can be given.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { isOutputType, keplerWeightsCodec } from '@modelshelf/formats';
import { InvalidArgumentError } from '@modelshelf/registry';

/** Pipeline-level files, read by import-metadata.ts rather than imported. */
const PIPELINE_FILE = /^(metadata\.json|node_type_index\.json|.+_model_metadata\.csv)$/;

export interface KeplerModelLocation {
  /** Directory holding `<energy_source>/` (e.g. …/v0.7/ec2-0.7.11); its name is Kepler's pipeline name. */
  pipelineDir: string;
  pipeline: string;
  energySource: string;
  outputType: string;
  featureGroup: string;
  modelName: string;
}

export interface KeplerModelFiles extends KeplerModelLocation {
  /** Weight JSON (current, v0.6 or oldest schema). */
  weights?: string;
  zip?: string;
  /** The model's own metadata.json (from the folder `<model_name>/`). */
  metadata?: string;
}

export interface KeplerScan {
  models: KeplerModelFiles[];
  /** Files under the path that are not part of any model (training data, pipeline files, …), with why. */
  skipped: { path: string; reason: string }[];
}

/** Where `file` sits in Kepler's layout, or undefined when its path has no `<es>/<AbsPower|DynPower>/<fg>/…`. */
function locate(file: string): (KeplerModelLocation & { rest: string[] }) | undefined {
  const parts = resolve(file).split(sep);
  // The last output-type segment with room for energy source before and feature group + file after.
  for (let i = parts.length - 3; i >= 2; i--) {
    if (!isOutputType(parts[i]!)) continue;
    const rest = parts.slice(i + 2);
    const fileName = rest[rest.length - 1]!;
    const modelName =
      rest.length === 1 ? fileName.replace(/\.(json|zip)$/i, '') : rest.length === 2 ? rest[0]! : undefined;
    if (modelName === undefined) return undefined;
    return {
      pipelineDir: parts.slice(0, i - 1).join(sep) || sep,
      pipeline: parts[i - 2]!,
      energySource: parts[i - 1]!,
      outputType: parts[i]!,
      featureGroup: parts[i + 1]!,
      modelName,
      rest,
    };
  }
  return undefined;
}

async function listFiles(dir: string, out: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await listFiles(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

async function isWeightFile(path: string): Promise<boolean> {
  const bytes = new Uint8Array(await readFile(path));
  const name = basename(path);
  return keplerWeightsCodec.detect({ paths: () => [name], read: async () => bytes });
}

const keyOf = (l: KeplerModelLocation) =>
  [l.pipelineDir, l.energySource, l.outputType, l.featureGroup, l.modelName].join('\0');

/**
 * Scans `path`: a directory (every model below it) or one file / model folder (that model, with its
 * sibling weight file, archive and metadata folder).
 */
export async function scanKeplerModels(path: string): Promise<KeplerScan> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new InvalidArgumentError(
      `cannot read ${JSON.stringify(path)}: ${err.code === 'ENOENT' ? 'no such file or directory' : err.code}`,
      'pass a kepler-model-db checkout, a pipeline directory, a model folder or a model file',
    );
  });
  let files: string[] = [];
  let only: string | undefined;
  // A file, or a model folder (probed through the metadata.json it would hold), names one model.
  const probe = info.isFile() ? path : join(path, 'metadata.json');
  const single = locate(probe);
  if (single && (info.isFile() || single.rest.length === 2)) {
    // One model: gather its siblings (weights, archive, folder) from the feature-group folder.
    only = keyOf(single);
    await listFiles(single.rest.length === 1 ? dirname(probe) : dirname(dirname(probe)), files);
  } else if (info.isFile()) {
    throw new InvalidArgumentError(
      `${JSON.stringify(path)} is not in Kepler's layout <energy_source>/<AbsPower|DynPower>/<feature_group>/<model_name>.json`,
      'import the kepler-model-db tree (or pipeline directory) it belongs to, or publish the file with `modelshelf push <model> <file>` (kepler weights are detected)',
    );
  } else {
    await listFiles(path, files);
  }
  files = files.sort();

  const byModel = new Map<string, KeplerModelFiles>();
  const folderJson = new Map<string, string>();
  const skipped: KeplerScan['skipped'] = [];
  for (const file of files) {
    const loc = locate(file);
    if (!loc) {
      if (!only && !PIPELINE_FILE.test(basename(file)))
        skipped.push({
          path: file,
          reason: 'not under <energy_source>/<AbsPower|DynPower>/<feature_group>/',
        });
      continue;
    }
    const key = keyOf(loc);
    if (only !== undefined && key !== only) continue;
    const { rest, ...location } = loc;
    const model = byModel.get(key) ?? { ...location };
    const name = rest[rest.length - 1]!;
    if (rest.length === 1 && name.endsWith('.zip')) model.zip = file;
    else if (rest.length === 1 && name.endsWith('.json')) {
      if (await isWeightFile(file)) model.weights = file;
      else {
        skipped.push({ path: file, reason: 'a .json file that is not Kepler weights' });
        continue;
      }
    } else if (rest.length === 2 && name === 'metadata.json') model.metadata = file;
    else if (rest.length === 2 && name === `${rest[0]}.json`) folderJson.set(key, file);
    else {
      skipped.push({ path: file, reason: 'not a weight file, archive or metadata.json of a model' });
      continue;
    }
    byModel.set(key, model);
  }
  // A folder member with the model's name is its weights only when no top-level weight file exists
  // and it really holds weights (for pickled models it is a component index, already in the archive).
  for (const [key, file] of folderJson) {
    const model = byModel.get(key)!;
    if (model.weights === undefined && (await isWeightFile(file))) model.weights = file;
  }
  const models = [...byModel.values()].filter((m) => {
    if (m.weights || m.zip) return true;
    if (m.metadata)
      skipped.push({ path: m.metadata, reason: 'metadata.json without a weight file or archive' });
    return false;
  });
  return { models, skipped };
}
