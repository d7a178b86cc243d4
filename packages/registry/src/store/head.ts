// The head document: a small summary of a model (latest version, pin, aliases, ref-log position)
// that readers poll with one conditional request. Every change goes through compare-and-swap.
import { AlreadyExistsError, ModelNotFoundError, NotFoundError, PreconditionFailedError } from '../errors.ts';
import { headKey } from '../layout.ts';
import { encodeDocument, type Head, headSchema, parseDocument, SCHEMA_VERSION } from '../schema.ts';
import { nowIso, type StoreContext } from './context.ts';

export interface HeadSnapshot {
  head: Head;
  etag: string;
}

export async function readHead(ctx: StoreContext, model: string): Promise<HeadSnapshot | undefined> {
  const key = headKey(model);
  try {
    const obj = await ctx.driver.get(key);
    return { head: parseDocument(headSchema, key, obj.body), etag: obj.etag };
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

export async function requireHead(ctx: StoreContext, model: string): Promise<HeadSnapshot> {
  const snap = await readHead(ctx, model);
  if (!snap) throw new ModelNotFoundError(model);
  return snap;
}

export function emptyHead(model: string): Head {
  return {
    schemaVersion: SCHEMA_VERSION,
    model,
    latest: null,
    pin: null,
    aliases: {},
    seq: 0,
    updatedAt: nowIso(),
  };
}

/**
 * Applies `change` to the head with compare-and-swap, retrying on conflict. `change` returns the new
 * head, or undefined when nothing needs to change (then nothing is written). Creates the head if absent.
 * `known` is a snapshot the caller read earlier (null: it found no head): the first attempt swaps
 * from it instead of reading again, and a stale one only costs the conflict and a fresh read.
 */
export async function updateHead(
  ctx: StoreContext,
  model: string,
  change: (head: Head) => Head | undefined,
  known?: HeadSnapshot | null,
): Promise<Head> {
  const key = headKey(model);
  for (let attempt = 0; ; attempt++) {
    const fromKnown = attempt === 0 && known !== undefined;
    const snap = fromKnown ? (known ?? undefined) : await readHead(ctx, model);
    const current = snap?.head ?? emptyHead(model);
    const next = change(current);
    // "Nothing to change" is only an answer about the head as it is now, never about an old snapshot.
    if (!next && fromKnown) continue;
    if (!next) return current;
    const doc = { ...next, updatedAt: nowIso() };
    try {
      if (snap) await ctx.driver.putIfMatch(key, encodeDocument(doc), snap.etag);
      else await ctx.driver.putCreateOnly(key, encodeDocument(doc));
      return doc;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError || err instanceof AlreadyExistsError)) throw err;
      // Another writer moved the head: back off a little (with jitter) and recompute from the new state.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
    }
  }
}
