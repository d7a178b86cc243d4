// The writer rule of docs/layout.md ("Listing"): after every head change the writer copies the head's
// state into the model's index entry, so that a listing can learn every model's state from the
// index alone. The copy is advisory (the head stays the authority): it is written by
// compare-and-swap, a few attempts at most, and never fails the publish or move that called it.
import { AlreadyExistsError, ModelshelfError, NotFoundError, PreconditionFailedError } from '../errors.ts';
import { indexKey } from '../layout.ts';
import {
  encodeDocument,
  type Head,
  type IndexHead,
  type ModelIndex,
  modelIndexSchema,
  parseDocument,
} from '../schema.ts';
import { nowIso, type StoreContext } from './context.ts';

const ATTEMPTS = 4;

/**
 * A model's index entry and the etag it was read at; undefined when there is none. An entry that does not
 * parse reads as `doc: undefined` (with its etag, so a writer can replace it by compare-and-swap).
 */
export async function readIndexEntry(
  ctx: StoreContext,
  key: string,
): Promise<{ doc: ModelIndex | undefined; etag: string } | undefined> {
  let obj: Awaited<ReturnType<typeof ctx.driver.get>>;
  try {
    obj = await ctx.driver.get(key);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
  try {
    return { doc: parseDocument(modelIndexSchema, key, obj.body), etag: obj.etag };
  } catch {
    return { doc: undefined, etag: obj.etag };
  }
}

export const indexHeadOf = (head: Head): IndexHead => ({
  latest: head.latest,
  pin: head.pin,
  aliases: head.aliases,
  seq: head.seq,
});

/**
 * True when `recorded` already says `head` or something newer. A head only moves forward: `latest`
 * never falls and `seq` only grows, and together they name one state. So a writer that comes late
 * (a slow mover, a gc that read the head earlier) never puts an older state over a newer one.
 */
export function recordedIsCurrent(recorded: IndexHead | undefined, head: IndexHead): boolean {
  return recorded !== undefined && recorded.seq >= head.seq && (recorded.latest ?? 0) >= (head.latest ?? 0);
}

/** Copies `head` into the model's index entry (best effort; storage failures are swallowed). */
export async function recordIndexHead(ctx: StoreContext, model: string, head: Head): Promise<void> {
  // Only a listing whose pages carry etags can tell a copy is current, so only there is it read
  // (listing.ts); on a filesystem the copy would be a second compare-and-swap per publish for nothing.
  if (!ctx.driver.listReturnsEtags) return;
  const key = indexKey(model);
  const state = indexHeadOf(head);
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await readIndexEntry(ctx, key);
      if (current && recordedIsCurrent(current.doc?.head, state)) return;
      const next: ModelIndex = { model, createdAt: current?.doc?.createdAt ?? nowIso(), head: state };
      try {
        if (current) await ctx.driver.putIfMatch(key, encodeDocument(next), current.etag);
        else await ctx.driver.putCreateOnly(key, encodeDocument(next));
        return;
      } catch (err) {
        if (!(err instanceof PreconditionFailedError || err instanceof AlreadyExistsError)) throw err;
      }
    }
  } catch (err) {
    // Storage trouble (read-only, unreachable, full) only delays the listing; a bug is still a bug.
    if (!(err instanceof ModelshelfError)) throw err;
  }
}
