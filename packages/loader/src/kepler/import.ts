// `modelshelf import kepler`: each model of a kepler-model-db tree becomes one version of the store model
// [<prefix>/][<pipeline>/]<energy_source>/<output_type>/<feature_group>/<model_name>, holding the weight
// JSON (format kepler-weights), the archive (kepler-zip, stored unchanged and decoded by reading it
// as data) and the model's metadata.json, with
// Kepler's metadata (mae, mape, features, node type, machine spec, trainer) in the manifest. Re-importing
// publishes nothing for a model whose latest version already has the same files (status "unchanged").
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, dirname, relative, sep } from 'node:path';
import { KEPLER_WEIGHTS_FORMAT, KEPLER_ZIP_FORMAT, KEPLER_ZIP_NOTE } from '@modelshelf/formats';
import {
  type FormatEntry,
  InvalidArgumentError,
  type Manifest,
  type PublishFile,
  parseModelName,
  type Store,
} from '@modelshelf/registry';
import { keplerImportMetadata, type PipelineCache } from './import-metadata.ts';
import { type KeplerModelFiles, type KeplerScan, scanKeplerModels } from './import-scan.ts';

export interface KeplerImportOptions {
  /** Put every model under this prefix, e.g. "ec2-0.7.11" (a trailing "/" is optional). */
  prefix?: string;
  /** Insert each model's pipeline name (e.g. ec2-0.7.11) after the prefix, so pipelines of one tree never collide. */
  byPipeline?: boolean;
  /** Compute and report what would be published, publish nothing. */
  dryRun?: boolean;
  /** Called after each model, in name order. */
  onModel?: (result: KeplerImportResult) => void;
}

export type KeplerImportStatus = 'published' | 'unchanged' | 'would-publish';

export interface KeplerImportResult {
  model: string;
  status: KeplerImportStatus;
  /** The new version (published) or the latest one (unchanged); absent for a dry run of a new model. */
  version?: number;
  /** Paths inside the version. */
  files: string[];
  /** Kepler's path of the model: <pipeline>/<energy_source>/<output_type>/<feature_group>/<model_name>. */
  source: string;
}

export interface KeplerImportReport {
  results: KeplerImportResult[];
  skipped: KeplerScan['skipped'];
}

interface PlannedModel {
  model: string;
  source: string;
  files: (PublishFile & { sourcePath: string; sha256: string })[];
  formats: FormatEntry[];
  metadata: Record<string, unknown>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const posix = (p: string) => p.split(sep).join('/');

function storeName(m: KeplerModelFiles, options: KeplerImportOptions): string {
  const parts = [
    options.prefix?.replace(/\/+$/, ''),
    options.byPipeline ? m.pipeline : undefined,
    m.energySource,
    m.outputType,
    m.featureGroup,
    m.modelName,
  ].filter((p): p is string => p !== undefined && p !== '');
  return parseModelName(parts.join('/'));
}

async function plan(m: KeplerModelFiles, name: string, cache: PipelineCache): Promise<PlannedModel> {
  const keplerRoot = dirname(m.pipelineDir);
  const files: PlannedModel['files'] = [];
  const formats: FormatEntry[] = [];
  const add = async (sourcePath: string, path: string) => {
    const bytes = new Uint8Array(await readFile(sourcePath));
    files.push({ path, sourcePath, sha256: sha256(bytes) });
    return path;
  };
  const metadataPath = m.metadata ? await add(m.metadata, 'metadata.json') : undefined;
  if (m.weights) {
    const path = await add(m.weights, basename(m.weights));
    // metadata.json rides with the weights: the codec reads the trainer from it when the name cannot tell.
    formats.push({ name: KEPLER_WEIGHTS_FORMAT, files: metadataPath ? [path, metadataPath] : [path] });
  }
  if (m.zip) formats.push({ name: KEPLER_ZIP_FORMAT, files: [await add(m.zip, basename(m.zip))] });
  const metadata = await keplerImportMetadata(m, cache);
  return {
    model: name,
    source: posix(
      relative(
        keplerRoot,
        `${m.pipelineDir}${sep}${m.energySource}${sep}${m.outputType}${sep}${m.featureGroup}${sep}${m.modelName}`,
      ),
    ),
    files,
    formats,
    metadata: {
      ...metadata,
      source_files: Object.fromEntries(
        files.map((f) => [f.path, { path: posix(relative(keplerRoot, f.sourcePath)), sha256: f.sha256 }]),
      ),
      ...(m.zip && { notes: [KEPLER_ZIP_NOTE] }),
    },
  };
}

const fileSet = (files: readonly { path: string; sha256: string }[]) =>
  files
    .map((f) => `${f.path}\0${f.sha256}`)
    .sort()
    .join('\n');

async function latestManifest(store: Store, model: string): Promise<Manifest | undefined> {
  const head = await store.head(model);
  if (!head?.latest) return undefined;
  return (await store.readVersion(model, head.latest)).manifest;
}

/** Imports every model found under `path` (a tree, a pipeline, a model folder or one model file). */
export async function importKeplerModels(
  store: Store,
  path: string,
  options: KeplerImportOptions = {},
): Promise<KeplerImportReport> {
  const scan = await scanKeplerModels(path);
  const cache: PipelineCache = new Map();
  const planned: PlannedModel[] = [];
  const seen = new Map<string, string>();
  for (const m of scan.models) {
    const name = storeName(m, options);
    const p = await plan(m, name, cache);
    const other = seen.get(name);
    if (other !== undefined) {
      throw new InvalidArgumentError(
        `two Kepler models map to the store model "${name}": ${other} and ${p.source}`,
        'add --by-pipeline to keep each pipeline under its own name, or import one pipeline directory at a time with --prefix',
      );
    }
    seen.set(name, p.source);
    planned.push(p);
  }
  planned.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));

  const results: KeplerImportResult[] = [];
  for (const p of planned) {
    const latest = await latestManifest(store, p.model);
    const files = p.files.map((f) => f.path);
    let result: KeplerImportResult;
    if (latest && fileSet(latest.files) === fileSet(p.files)) {
      result = { model: p.model, status: 'unchanged', version: latest.version, files, source: p.source };
    } else if (options.dryRun) {
      result = { model: p.model, status: 'would-publish', files, source: p.source };
    } else {
      const published = await store.publish({
        model: p.model,
        files: p.files.map((f) => ({ path: f.path, sourcePath: f.sourcePath })),
        formats: p.formats,
        metadata: p.metadata,
      });
      result = { model: p.model, status: 'published', version: published.version, files, source: p.source };
    }
    options.onModel?.(result);
    results.push(result);
  }
  return { results, skipped: scan.skipped };
}
