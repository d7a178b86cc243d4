// Pins and aliases. Every move is first claimed as the next entry of an append-only, create-only
// log (@refs/<seq>.json), then applied to the head by compare-and-swap. Two operators moving refs at
// once get consecutive sequence numbers, both moves are applied in order, and the log shows both:
// nothing is silently overwritten. A mover that dies between the two steps leaves a claimed entry
// that the next mover applies before its own ("helping"), so the log and the head never disagree
// for longer than one move.

import { listAll } from '../drivers/driver.ts';
import {
  AliasNotFoundError,
  AlreadyExistsError,
  ConflictError,
  InvalidArgumentError,
  NotFoundError,
  PreconditionFailedError,
  VersionNotFoundError,
} from '../errors.ts';
import { headKey, refEntryKey, refsPrefix } from '../layout.ts';
import { parseAliasName, parseModelName, parseVersionNumber } from '../names.ts';
import {
  encodeDocument,
  type Head,
  parseDocument,
  type RefEntry,
  refEntrySchema,
  SCHEMA_VERSION,
} from '../schema.ts';
import { mapLimit, nowIso, type StoreContext } from './context.ts';
import { readHead, requireHead } from './head.ts';
import { recordIndexHead } from './index-entry.ts';
import { readVersion } from './read.ts';

export const PIN = 'pin';

export interface MoveOptions {
  reason?: string;
  /** Fail with ConflictError unless the ref currently points here (null: unset). */
  expect?: number | null;
}

function currentValue(head: Head, ref: string): number | null {
  return ref === PIN ? head.pin : (head.aliases[ref] ?? null);
}

function applyEntry(head: Head, entry: RefEntry): Head {
  const next: Head = { ...head, aliases: { ...head.aliases }, seq: entry.seq };
  if (entry.ref === PIN) next.pin = entry.action === 'set' ? entry.to : null;
  else if (entry.action === 'set' && entry.to !== null) next.aliases[entry.ref] = entry.to;
  else delete next.aliases[entry.ref];
  return next;
}

async function readEntry(ctx: StoreContext, model: string, seq: number): Promise<RefEntry | undefined> {
  const key = refEntryKey(model, seq);
  try {
    return parseDocument(refEntrySchema, key, (await ctx.driver.get(key)).body);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/** Applies a claimed log entry to the head (idempotent: a head already past it is left alone). */
async function applyToHead(ctx: StoreContext, model: string, entry: RefEntry): Promise<void> {
  for (;;) {
    const snap = await requireHead(ctx, model);
    if (snap.head.seq >= entry.seq) return;
    if (snap.head.seq !== entry.seq - 1)
      throw new ConflictError(`ref log of ${model} is ahead of its head by more than one entry`);
    const next: Head = { ...applyEntry(snap.head, entry), updatedAt: nowIso() };
    try {
      await ctx.driver.putIfMatch(headKey(model), encodeDocument(next), snap.etag);
      // Advisory copy for listings (docs/layout.md, "Listing"); never fails the move.
      await recordIndexHead(ctx, model, next);
      return;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
    }
  }
}

async function moveRef(
  ctx: StoreContext,
  model: string,
  ref: string,
  to: number | null,
  options: MoveOptions & { rollbackOf?: number },
): Promise<RefEntry> {
  parseModelName(model);
  if (options.reason !== undefined && options.reason.length > 2000)
    throw new InvalidArgumentError('a reason is at most 2000 characters');
  if (to !== null) await readVersion(ctx, model, to); // only committed versions can be pinned or aliased
  for (;;) {
    const { head } = await requireHead(ctx, model);
    const pending = await readEntry(ctx, model, head.seq + 1);
    if (pending) {
      await applyToHead(ctx, model, pending);
      continue;
    }
    const from = currentValue(head, ref);
    if (options.expect !== undefined && options.expect !== from) {
      throw new ConflictError(
        `${ref} of ${model} points to ${from ?? 'nothing'}, not ${options.expect ?? 'nothing'}`,
        'someone moved it meanwhile: look at `modelshelf history` and try again',
      );
    }
    const entry: RefEntry = {
      schemaVersion: SCHEMA_VERSION,
      model,
      seq: head.seq + 1,
      ref,
      action: to === null ? 'remove' : 'set',
      from,
      to,
      at: nowIso(),
      by: ctx.creator,
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
      ...(options.rollbackOf !== undefined ? { rollbackOf: options.rollbackOf } : {}),
    };
    try {
      await ctx.driver.putCreateOnly(refEntryKey(model, entry.seq), encodeDocument(entry));
    } catch (err) {
      if (err instanceof AlreadyExistsError) continue; // another mover took this seq: start over
      throw err;
    }
    await applyToHead(ctx, model, entry);
    if (to !== null) await confirmStillCommitted(ctx, entry, to);
    return entry;
  }
}

/**
 * The other half of gc's check. gc deletes a manifest and then reads the head; a mover writes the head
 * and then reads the manifest. Whichever goes second sees the other, so a ref never stays on a deleted
 * version: if gc read the head first and went on to delete, the mover finds the manifest gone, moves
 * the ref back where it was and fails (gc that saw the ref instead restores the manifest, and the
 * version simply stays).
 */
async function confirmStillCommitted(ctx: StoreContext, entry: RefEntry, version: number): Promise<void> {
  const { model, ref } = entry;
  try {
    await readVersion(ctx, model, version);
    return;
  } catch (err) {
    if (!(err instanceof VersionNotFoundError)) throw err;
  }
  try {
    await moveRef(ctx, model, ref, entry.from, {
      reason: `version ${version} was removed by gc while ${ref === PIN ? 'the pin' : `alias ${ref}`} moved to it`,
      expect: version,
    });
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err; // someone moved it on meanwhile: their move stands
  }
  throw new VersionNotFoundError(model, version);
}

export const pin = async (ctx: StoreContext, model: string, version: number, o: MoveOptions = {}) =>
  moveRef(ctx, model, PIN, parseVersionNumber(version), o);
export const unpin = async (ctx: StoreContext, model: string, o: MoveOptions = {}) =>
  moveRef(ctx, model, PIN, null, o);
export const setAlias = async (
  ctx: StoreContext,
  model: string,
  alias: string,
  version: number,
  o: MoveOptions = {},
) => moveRef(ctx, model, parseAliasName(alias), parseVersionNumber(version), o);

export async function removeAlias(
  ctx: StoreContext,
  model: string,
  alias: string,
  o: MoveOptions = {},
): Promise<RefEntry> {
  const { head } = await requireHead(ctx, model);
  if (head.aliases[parseAliasName(alias)] === undefined) {
    throw new AliasNotFoundError(model, alias);
  }
  return moveRef(ctx, model, alias, null, o);
}

/** Every move of every ref of a model, oldest first. */
export async function history(ctx: StoreContext, model: string): Promise<RefEntry[]> {
  parseModelName(model);
  await requireHead(ctx, model);
  const keys: string[] = [];
  for await (const obj of listAll(ctx.driver, refsPrefix(model))) keys.push(obj.key);
  const entries = await mapLimit(keys, 16, async (key) =>
    parseDocument(refEntrySchema, key, (await ctx.driver.get(key)).body),
  );
  return entries.sort((a, b) => a.seq - b.seq);
}

/**
 * Undo for a ref: moves it back to where it pointed before the move that brought it to its current
 * value. Repeated rollbacks walk further back (a rollback's own entry is skipped, like an undo stack).
 */
export async function rollback(
  ctx: StoreContext,
  model: string,
  o: MoveOptions & { alias?: string } = {},
): Promise<RefEntry> {
  const ref = o.alias === undefined ? PIN : parseAliasName(o.alias);
  const entries = (await history(ctx, model)).filter((e) => e.ref === ref);
  const undone = new Set(entries.flatMap((e) => (e.rollbackOf !== undefined ? [e.rollbackOf] : [])));
  const snap = await readHead(ctx, model);
  const current = snap ? currentValue(snap.head, ref) : null;
  const target = [...entries]
    .reverse()
    .find((e) => e.rollbackOf === undefined && !undone.has(e.seq) && e.to === current);
  if (!target) {
    throw new InvalidArgumentError(
      `${ref === PIN ? 'the pin' : `alias ${JSON.stringify(ref)}`} of ${JSON.stringify(model)} has no earlier position to roll back to`,
      `see \`modelshelf history ${model}\``,
    );
  }
  return moveRef(ctx, model, ref, target.from, {
    reason: o.reason ?? `rollback of move #${target.seq}`,
    rollbackOf: target.seq,
    expect: current,
  });
}
