// Listing every model from the index alone, on drivers whose listings carry etags (S3). One listing
// of `index/` gives each model's index key and etag; the summary `index/@summary.json` gives the
// state recorded for each model against the etag its index entry had then. A model whose entry
// still has that etag is taken from the summary; any other is read from its index entry (which
// writers keep in step with the head), or, for entries of earlier writers without `head`, from
// its head. So an unchanged store lists in 2 requests instead of one per model. The summary is
// written back best effort by whoever lists. docs/layout.md, "Listing".
import { listAll } from '../drivers/driver.ts';
import { ModelshelfError, NotFoundError } from '../errors.ts';
import { INDEX_PREFIX, INDEX_SUMMARY_KEY, modelFromIndexKey } from '../layout.ts';
import {
  encodeDocument,
  type IndexHead,
  type ListingSummary,
  listingSummarySchema,
  parseDocument,
  SCHEMA_VERSION,
} from '../schema.ts';
import { mapLimit, type StoreContext } from './context.ts';
import { readHead } from './head.ts';
import { readIndexEntry } from './index-entry.ts';

/** What `ls` shows of a model's head: the head's own fields, as the index entry repeats them. */
export type ListedState = Pick<IndexHead, 'latest' | 'pin' | 'aliases'>;

type SummaryEntry = ListingSummary['entries'][string];

interface IndexListing {
  model: string;
  key: string;
  etag: string | undefined;
}

/** True for the keys of `index/` that are index entries (not the summary, not foreign files). */
export const isIndexEntryKey = (key: string) => key.endsWith('.json') && key !== INDEX_SUMMARY_KEY;

async function listIndex(ctx: StoreContext): Promise<IndexListing[]> {
  const out: IndexListing[] = [];
  for await (const obj of listAll(ctx.driver, INDEX_PREFIX)) {
    if (isIndexEntryKey(obj.key))
      out.push({ model: modelFromIndexKey(obj.key), key: obj.key, etag: obj.etag });
  }
  return out;
}

/** The summary and its etag; an absent summary is empty, an unreadable one is empty but replaceable. */
async function readSummary(
  ctx: StoreContext,
): Promise<{ entries: Record<string, SummaryEntry>; etag?: string }> {
  try {
    const obj = await ctx.driver.get(INDEX_SUMMARY_KEY);
    try {
      return {
        entries: parseDocument(listingSummarySchema, INDEX_SUMMARY_KEY, obj.body).entries,
        etag: obj.etag,
      };
    } catch {
      return { entries: {}, etag: obj.etag };
    }
  } catch (err) {
    if (err instanceof NotFoundError) return { entries: {} };
    throw err;
  }
}

/** The state an index entry records, with the etag it was read at; undefined when it records none. */
async function readIndexState(ctx: StoreContext, key: string): Promise<SummaryEntry | undefined> {
  const entry = await readIndexEntry(ctx, key);
  const head = entry?.doc?.head;
  if (!entry || !head || !entry.etag) return undefined;
  return { indexEtag: entry.etag, latest: head.latest, pin: head.pin, aliases: head.aliases };
}

/** Each model under `prefix` with its listed state, sorted by name; models without a head are left out. */
export async function listModelsFromIndex(
  ctx: StoreContext,
  prefix: string,
): Promise<Array<ListedState & { model: string }>> {
  const [listed, summary] = await Promise.all([listIndex(ctx), readSummary(ctx)]);
  const entries = { ...summary.entries };
  let changed = false;
  const present = new Set(listed.map((e) => e.model));
  for (const model of Object.keys(entries)) {
    if (!present.has(model)) {
      delete entries[model];
      changed = true;
    }
  }
  const wanted = listed
    .filter((e) => e.model.startsWith(prefix))
    .sort((a, b) => (a.model < b.model ? -1 : 1));
  const states = await mapLimit(
    wanted,
    32,
    async ({ model, key, etag }): Promise<ListedState | undefined> => {
      const cached = entries[model];
      if (cached && etag !== undefined && cached.indexEtag === etag) return cached;
      const fromIndex = await readIndexState(ctx, key);
      if (fromIndex) {
        entries[model] = fromIndex;
        changed = true;
        return fromIndex;
      }
      // Written by an earlier writer (no `head`): its later head changes would not touch the entry,
      // so its state is read from the head every time and never recorded in the summary.
      if (cached) {
        delete entries[model];
        changed = true;
      }
      return (await readHead(ctx, model))?.head;
    },
  );
  if (changed) await writeSummary(ctx, entries, summary.etag);
  const out: Array<ListedState & { model: string }> = [];
  wanted.forEach(({ model }, i) => {
    const s = states[i];
    if (s) out.push({ model, latest: s.latest, pin: s.pin, aliases: s.aliases });
  });
  return out;
}

/** Best effort: a lost race, a read-only store or a storage failure only means the next lister redoes it. */
async function writeSummary(
  ctx: StoreContext,
  entries: Record<string, SummaryEntry>,
  etag: string | undefined,
): Promise<void> {
  const sorted: Record<string, SummaryEntry> = {};
  for (const model of Object.keys(entries).sort()) sorted[model] = entries[model]!;
  const bytes = encodeDocument({ schemaVersion: SCHEMA_VERSION, entries: sorted });
  try {
    if (etag === undefined) await ctx.driver.putCreateOnly(INDEX_SUMMARY_KEY, bytes);
    else await ctx.driver.putIfMatch(INDEX_SUMMARY_KEY, bytes, etag);
  } catch (err) {
    if (!(err instanceof ModelshelfError)) throw err;
  }
}
