// A report of stored versions: each referenced version with the holdout.json published beside it,
// every version of each referenced model (pin and aliases marked), and per feature group the
// model the estimator's best-model rule would serve.
import { NotFoundError, type Store } from '@modelshelf/registry';
import { HOLDOUT_FILE, parseHoldout } from '../../evaluate/holdout-record.ts';
import { compareInStore, groupOf } from './best-rule.ts';
import type {
  ReportComponentScore,
  ReportHistory,
  ReportInput,
  ReportModel,
  ReportTrainingData,
} from './model.ts';

type Metadata = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export async function storeReport(
  store: Store,
  references: readonly string[],
  options: { generatedAt?: string } = {},
): Promise<ReportInput> {
  const models: (ReportModel & { features?: string[] })[] = [];
  for (const ref of references) {
    const r = await store.resolve(ref);
    models.push(await versionModel(store, r.model, r.version, r.digest, r.manifest));
  }
  const names = [...new Set(models.map((m) => m.name))];
  const histories = await Promise.all(names.map((n) => historyOf(store, n)));
  const groups = new Map<string, string[]>();
  for (const m of models) {
    const features = m.features ?? [];
    if (!groups.has(groupOf(m.name))) groups.set(groupOf(m.name), features);
  }
  const comparisons = [];
  for (const [group, features] of groups) comparisons.push(await compareInStore(store, group, features));
  return {
    title: `Model report: ${names.join(', ')}`,
    source: store.location,
    generatedAt: options.generatedAt ?? new Date().toISOString(),
    models: models.map(({ features: _f, ...m }) => m),
    histories,
    comparisons,
    notes: [],
  };
}

async function versionModel(
  store: Store,
  name: string,
  version: number,
  digest: string,
  manifest: Awaited<ReturnType<Store['resolve']>>['manifest'],
): Promise<ReportModel & { features?: string[] }> {
  const meta = manifest.metadata as Metadata;
  const model: ReportModel & { features?: string[] } = {
    name,
    version,
    digest,
    energySource: typeof meta.energy_source === 'string' ? meta.energy_source : undefined,
    outputType: typeof meta.output_type === 'string' ? meta.output_type : undefined,
    featureGroup: typeof meta.feature_group === 'string' ? meta.feature_group : undefined,
    trainer: typeof meta.trainer === 'string' ? meta.trainer : undefined,
    mae: num(meta.mae),
    mape: num(meta.mape),
    components: componentScores(meta),
    trainingData: meta.training_data as ReportTrainingData | undefined,
    features: Array.isArray(meta.features) ? meta.features.map(String) : undefined,
  };
  if (!manifest.files.some((f) => f.path === HOLDOUT_FILE)) {
    model.holdoutMissing = `${name}@${version} has no ${HOLDOUT_FILE} (published by an older trainer or by push): only its recorded errors are shown`;
    return model;
  }
  try {
    model.holdout = parseHoldout(
      await store.readFile(manifest, HOLDOUT_FILE),
      `${name}@${version}/${HOLDOUT_FILE}`,
    );
  } catch (err) {
    if (err instanceof NotFoundError) model.holdoutMissing = `${name}@${version}: ${HOLDOUT_FILE} is missing`;
    else throw err;
  }
  return model;
}

/** Kepler's metadata keeps per-component errors as "<component>_mae" / "<component>_mape". */
function componentScores(meta: Metadata): Record<string, ReportComponentScore> {
  const out: Record<string, ReportComponentScore> = {};
  for (const [key, value] of Object.entries(meta)) {
    const m = /^(.+)_mae$/.exec(key);
    const mae = num(value);
    if (!m || mae === undefined) continue;
    out[m[1]!] = { mae, mape: num(meta[`${m[1]}_mape`]) ?? -1 };
  }
  return out;
}

export async function historyOf(store: Store, model: string): Promise<ReportHistory> {
  const head = await store.head(model);
  const versions = await store.listVersions(model);
  return {
    model,
    versions: versions.map((v) => {
      const meta = v.manifest.metadata as Metadata;
      const n = v.manifest.version;
      return {
        version: n,
        mae: num(meta.mae),
        mape: num(meta.mape),
        createdAt: v.manifest.createdAt,
        pinned: head?.pin === n,
        latest: head?.latest === n,
        aliases: Object.entries(head?.aliases ?? {})
          .filter(([, to]) => to === n)
          .map(([alias]) => alias)
          .sort(),
      };
    }),
  };
}
