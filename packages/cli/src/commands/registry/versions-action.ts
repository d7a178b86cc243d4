// The action of `modelshelf versions` (descriptor: list.ts), loaded only when the command runs.

// The metadata module alone: the formats barrel would load every codec (fflate, flatbuffers) at start.
import { lenientModelMetadata } from '@modelshelf/formats/metadata';
import type { Head, VersionRecord } from '@modelshelf/registry';
import type { Command } from 'commander';
import {
  formatMetric,
  formatSize,
  outputFor,
  relativeTime,
  shortDigest,
  withStore,
} from '../../kit/index.ts';

export async function versionsAction(model: string, _opts: object, cmd: Command): Promise<void> {
  const out = outputFor(cmd);
  const { records, head } = await withStore(cmd, async (store) => ({
    records: await store.listVersions(model),
    head: await store.head(model),
  }));
  const rows = records.map((r) => versionRow(r, head));
  if (out.json) return out.printJson(rows);
  if (rows.length === 0) return out.note(`${model} has no committed versions`);
  const now = Date.now();
  out.table(
    [
      { header: 'VERSION', align: 'right' },
      { header: 'CREATED' },
      { header: 'BY' },
      { header: 'SIZE', align: 'right' },
      { header: 'FILES', align: 'right' },
      { header: 'DIGEST' },
      { header: 'MAE', align: 'right' },
      { header: 'MAPE', align: 'right' },
      { header: 'REFS' },
    ],
    rows.map((r) => [
      String(r.version),
      relativeTime(r.createdAt, now),
      r.creator,
      formatSize(r.size),
      String(r.files),
      shortDigest(r.digest),
      formatMetric(r.mae),
      formatMetric(r.mape),
      r.refs.join(', '),
    ]),
  );
}

export interface VersionRow {
  version: number;
  createdAt: string;
  creator: string;
  size: number;
  files: number;
  digest: string;
  mae: number | null;
  mape: number | null;
  /** What points here: "latest", "pin", alias names. */
  refs: string[];
}

function versionRow({ manifest, digest }: VersionRecord, head: Head | undefined): VersionRow {
  const metadata = lenientModelMetadata(manifest.metadata);
  const metric = (key: 'mae' | 'mape') => metadata[key] ?? null;
  const refs: string[] = [];
  if (head?.latest === manifest.version) refs.push('latest');
  if (head?.pin === manifest.version) refs.push('pin');
  for (const [alias, v] of Object.entries(head?.aliases ?? {})) if (v === manifest.version) refs.push(alias);
  return {
    version: manifest.version,
    createdAt: manifest.createdAt,
    creator: `${manifest.creator.user}@${manifest.creator.host}`,
    size: manifest.files.reduce((sum, f) => sum + f.size, 0),
    files: manifest.files.length,
    digest,
    mae: metric('mae'),
    mape: metric('mape'),
    refs,
  };
}
