// How much of a kepler-model-db checkout modelshelf can serve: every weight file through the
// kepler-weights codec, every archive through the data-only pickle reader (kepler-zip), each
// predicted on a few rows; reports the servable share and the failures by trainer class.
//
//   pnpm exec tsx scripts/kepler-db-servable.ts <kepler-model-db checkout or models/ subtree> [--json] [--limit N]
//
// A model is servable when its weights decode and predict finite watts, or its archive does.
// "archive-only" models (no weight file) are the ones only the archive reader can serve.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { decodeKeplerWeights, predictKeplerArchive, readKeplerArchive } from '@modelshelf/formats';
import { scanKeplerModels } from '@modelshelf/loader';

interface Outcome {
  ok: boolean;
  why?: string;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const limitAt = args.indexOf('--limit');
const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Number.POSITIVE_INFINITY;
const root = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--limit');
if (!root) {
  console.error(
    'usage: pnpm exec tsx scripts/kepler-db-servable.ts <kepler-model-db checkout> [--json] [--limit N]',
  );
  process.exit(2);
}

const finite = (y: Float64Array) => y.every((v) => Number.isFinite(v));

async function tryWeights(path: string): Promise<Outcome> {
  try {
    const m = decodeKeplerWeights(await readFile(path), { path });
    const rows = 3;
    const x = new Float64Array(rows * m.features.length).map((_, i) => (i % 4) * 250);
    return finite(m.predict(x, rows)) ? { ok: true } : { ok: false, why: 'non-finite prediction' };
  } catch (e) {
    return { ok: false, why: reason(e) };
  }
}

async function tryArchive(path: string): Promise<Outcome & { trainer?: string; ms?: number }> {
  try {
    const t0 = performance.now();
    const m = readKeplerArchive(path, new Uint8Array(await readFile(path)));
    const ms = performance.now() - t0;
    const rows = 3;
    const first = m.components[0]!.transforms[0];
    const scale = first?.kind === 'max-abs' ? first.scale : undefined;
    const n = m.features.length;
    const x = new Float64Array(rows * n).map(
      (_, i) => ((i % n) + 1) * 0.3 * (scale?.[i % n] ?? 1) * (i < n ? 0 : 1),
    );
    const y = predictKeplerArchive(m, x, rows);
    return finite(y)
      ? { ok: true, trainer: m.trainer, ms }
      : { ok: false, why: 'non-finite prediction', trainer: m.trainer };
  } catch (e) {
    return { ok: false, why: reason(e) };
  }
}

/** A short, groupable failure reason: the message without paths and numbers. */
function reason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg
    .replace(/^.*?\.zip(![^:]*)?: /, '')
    .replace(/\/[^\s:]+/g, '<path>')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 160);
}

const trainerOf = (modelName: string) => modelName.replace(/_\d+$/, '');

const scan = await scanKeplerModels(root);
const models = scan.models.slice(0, limit);
type Row = { trainer: string; weights?: Outcome; archive?: Outcome };
const rows: Row[] = [];
let archiveMs = 0;
let archivesRead = 0;
for (const [i, m] of models.entries()) {
  const row: Row = { trainer: trainerOf(m.modelName) };
  if (m.weights) row.weights = await tryWeights(m.weights);
  if (m.zip) {
    const a = await tryArchive(m.zip);
    row.archive = a;
    if (a.ms !== undefined) {
      archiveMs += a.ms;
      archivesRead++;
    }
    if (!a.ok && !json) console.error(`FAIL ${relative(root, m.zip)}: ${a.why}`);
  }
  rows.push(row);
  if (!json && (i + 1) % 1000 === 0) console.error(`… ${i + 1}/${models.length}`);
}

const byClass = new Map<
  string,
  {
    models: number;
    archives: number;
    archivesOk: number;
    archiveOnly: number;
    archiveOnlyOk: number;
    servable: number;
  }
>();
const failures = new Map<string, number>();
for (const r of rows) {
  const c = byClass.get(r.trainer) ?? {
    models: 0,
    archives: 0,
    archivesOk: 0,
    archiveOnly: 0,
    archiveOnlyOk: 0,
    servable: 0,
  };
  c.models++;
  if (r.archive) {
    c.archives++;
    if (r.archive.ok) c.archivesOk++;
    else
      failures.set(
        `${r.trainer}: ${r.archive.why}`,
        (failures.get(`${r.trainer}: ${r.archive.why}`) ?? 0) + 1,
      );
    if (!r.weights) {
      c.archiveOnly++;
      if (r.archive.ok) c.archiveOnlyOk++;
    }
  }
  if (r.weights?.ok || r.archive?.ok) c.servable++;
  byClass.set(r.trainer, c);
}
const total = [...byClass.values()].reduce(
  (a, c) => ({
    models: a.models + c.models,
    archives: a.archives + c.archives,
    archivesOk: a.archivesOk + c.archivesOk,
    archiveOnly: a.archiveOnly + c.archiveOnly,
    archiveOnlyOk: a.archiveOnlyOk + c.archiveOnlyOk,
    servable: a.servable + c.servable,
  }),
  { models: 0, archives: 0, archivesOk: 0, archiveOnly: 0, archiveOnlyOk: 0, servable: 0 },
);
const withoutArchives = rows.filter((r) => r.weights?.ok).length;
const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) : '-');

if (json) {
  console.log(
    JSON.stringify(
      {
        root,
        total,
        servableWithoutArchiveReader: withoutArchives,
        byClass: Object.fromEntries(byClass),
        failures: Object.fromEntries(failures),
      },
      null,
      2,
    ),
  );
} else {
  console.log(
    `kepler-model-db at ${root}: ${total.models} models (${scan.skipped.length} other files skipped)`,
  );
  console.log(
    `servable: ${total.servable} (${pct(total.servable, total.models)}%); weights alone would serve ${withoutArchives} (${pct(withoutArchives, total.models)}%)`,
  );
  console.log(
    `archives: ${total.archivesOk}/${total.archives} convert and predict (${pct(total.archivesOk, total.archives)}%); archive-only models: ${total.archiveOnlyOk}/${total.archiveOnly} (${pct(total.archiveOnlyOk, total.archiveOnly)}%); mean archive decode ${(archiveMs / Math.max(1, archivesRead)).toFixed(1)} ms`,
  );
  console.log('\nclass                               models  archives ok   archive-only ok   servable');
  for (const [name, c] of [...byClass].sort((a, b) => b[1].models - a[1].models)) {
    console.log(
      `${name.padEnd(34)} ${String(c.models).padStart(7)}  ${`${c.archivesOk}/${c.archives}`.padStart(11)}   ${`${c.archiveOnlyOk}/${c.archiveOnly}`.padStart(15)}   ${String(c.servable).padStart(8)}`,
    );
  }
  if (failures.size) {
    console.log('\nfailures by class and reason:');
    for (const [k, n] of [...failures].sort((a, b) => b[1] - a[1]))
      console.log(`${String(n).padStart(6)}  ${k}`);
  }
}
