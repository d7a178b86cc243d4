// Retention and reclamation. gc never removes a version that the head pins, aliases or names as
// latest, and keeps the newest `keep` committed versions of each model. It also reclaims what crashed
// publishers left behind, once it is older than the grace period:
//  - an uncommitted reservation is claimed by writing a tombstone create-only at the manifest's key,
//    so a slow publisher that is still alive cannot commit it afterwards (its manifest write fails);
//  - driver debris (fs temp files and stale locks, S3 incomplete multipart uploads).
// It also copies each head into its index entry where a writer died before doing so (listings).
// A version is removed manifest first (it stops being visible at once), then its files (its
// reservation stays: numbers are never reused). If a pin or
// alias landed on it in the meantime, the manifest is put back and the files are left alone.
import { listAll } from '../drivers/driver.ts';
import { AlreadyExistsError, InvalidArgumentError, NotFoundError, VersionNotFoundError } from '../errors.ts';
import { manifestKey, reservationKey, versionPrefix } from '../layout.ts';
import { encodeDocument, type Head, parseDocument, reservationSchema, SCHEMA_VERSION } from '../schema.ts';
import { nowIso, type StoreContext } from './context.ts';
import { readHead, updateHead } from './head.ts';
import { recordIndexHead } from './index-entry.ts';
import { listModelNames, listVersionNumbers, readVersion } from './read.ts';

export interface GcOptions {
  /** Committed versions to keep per model, newest first (pinned, aliased and latest are always kept). Default 10. */
  keep?: number;
  /** Uncommitted debris younger than this is left alone (a publisher may still be writing). Default 1 h. */
  graceMs?: number;
  dryRun?: boolean;
  /** Only models under this prefix. */
  prefix?: string;
}

export interface GcAction {
  kind: 'delete-version' | 'reclaim-reservation' | 'debris' | 'repair-head';
  model?: string;
  version?: number;
  detail: string;
}

export interface GcReport {
  dryRun: boolean;
  actions: GcAction[];
  kept: number;
}

const protectedVersions = (head: Head) =>
  new Set<number>([
    ...(head.pin !== null ? [head.pin] : []),
    ...(head.latest !== null ? [head.latest] : []),
    ...Object.values(head.aliases),
  ]);

export async function gc(ctx: StoreContext, options: GcOptions = {}): Promise<GcReport> {
  const keep = options.keep ?? 10;
  if (!Number.isInteger(keep) || keep < 1)
    throw new InvalidArgumentError(`--keep must be a whole number of at least 1, got ${keep}`);
  const graceMs = options.graceMs ?? 3_600_000;
  if (!(graceMs >= 0))
    throw new InvalidArgumentError(`the grace period must not be negative, got ${graceMs} ms`);
  const dryRun = options.dryRun ?? false;
  const actions: GcAction[] = [];
  let kept = 0;

  for (const model of await listModelNames(ctx, options.prefix ?? '')) {
    // Committed versions with their manifest bytes (kept to restore a manifest; see deleteVersion).
    const manifests = new Map<number, Uint8Array>();
    for (const n of await listVersionNumbers(ctx, model)) {
      const state = await versionState(ctx, model, n);
      if (state instanceof Uint8Array) manifests.set(n, state);
      else if (state === 'reserved' && (await olderThan(ctx, model, n, graceMs))) {
        actions.push({
          kind: 'reclaim-reservation',
          model,
          version: n,
          detail: 'uncommitted reservation past the grace period',
        });
        if (!dryRun) await reclaimReservation(ctx, model, n);
      }
    }
    const committed = [...manifests.keys()];
    const snap = await readHead(ctx, model);
    const maxCommitted = committed.at(-1);
    let current = snap?.head;
    // A publisher that died between committing and updating the head leaves head.latest behind.
    if (maxCommitted !== undefined && (snap?.head.latest ?? 0) < maxCommitted) {
      actions.push({
        kind: 'repair-head',
        model,
        version: maxCommitted,
        detail: `latest raised from ${snap?.head.latest ?? 'none'}`,
      });
      if (!dryRun)
        current = await updateHead(ctx, model, (h) =>
          h.latest !== null && h.latest >= maxCommitted ? undefined : { ...h, latest: maxCommitted },
        );
    }
    // gc visits every model, so it also repairs an index entry left behind by a writer that died
    // between its head swap and its index copy, or written by an earlier version (no `head`).
    if (current && !dryRun) await recordIndexHead(ctx, model, current);
    if (!snap) continue;
    const newest = new Set(committed.slice(-keep));
    for (const n of committed) {
      if (newest.has(n) || protectedVersions(snap.head).has(n)) {
        kept++;
        continue;
      }
      if (dryRun || (await deleteVersion(ctx, model, n, manifests.get(n)!))) {
        actions.push({
          kind: 'delete-version',
          model,
          version: n,
          detail: 'older than the newest kept versions',
        });
      } else kept++;
    }
  }
  for (const item of (await ctx.driver.reclaimDebris?.(graceMs, dryRun)) ?? [])
    actions.push({ kind: 'debris', detail: item });
  return { dryRun, actions, kept };
}

async function versionState(
  ctx: StoreContext,
  model: string,
  n: number,
): Promise<Uint8Array | 'reserved' | 'tombstone'> {
  try {
    return (await readVersion(ctx, model, n)).bytes; // committed: its manifest bytes
  } catch (err) {
    if (!(err instanceof VersionNotFoundError)) throw err;
  }
  return (await ctx.driver.stat(manifestKey(model, n))) ? 'tombstone' : 'reserved';
}

async function olderThan(ctx: StoreContext, model: string, n: number, graceMs: number): Promise<boolean> {
  const key = reservationKey(model, n);
  try {
    const res = parseDocument(reservationSchema, key, (await ctx.driver.get(key)).body);
    return Date.now() - Date.parse(res.createdAt) > graceMs;
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    // Files without a reservation document: judge by the newest file's age.
    let newest = 0;
    for await (const o of listAll(ctx.driver, versionPrefix(model, n)))
      newest = Math.max(newest, o.modifiedAt);
    return Date.now() - newest > graceMs;
  }
}

async function reclaimReservation(ctx: StoreContext, model: string, n: number): Promise<void> {
  const tombstone = {
    schemaVersion: SCHEMA_VERSION,
    abandoned: true,
    model,
    version: n,
    reclaimedAt: nowIso(),
  };
  try {
    await ctx.driver.putCreateOnly(manifestKey(model, n), encodeDocument(tombstone));
  } catch (err) {
    if (err instanceof AlreadyExistsError) return; // the publisher committed after all
    throw err;
  }
  // The tombstone and the reservation stay (tiny) so the number is never handed out again.
  for await (const o of listAll(ctx.driver, `${versionPrefix(model, n)}files/`))
    await ctx.driver.delete(o.key);
}

/** Returns false when the version became protected while being deleted (it is then restored). */
async function deleteVersion(
  ctx: StoreContext,
  model: string,
  n: number,
  bytes: Uint8Array,
): Promise<boolean> {
  const mkey = manifestKey(model, n);
  await ctx.driver.delete(mkey);
  const after = await readHead(ctx, model);
  if (after && protectedVersions(after.head).has(n)) {
    await ctx.driver.putCreateOnly(mkey, bytes);
    return false;
  }
  // The reservation stays, so the number is never handed out again (a publisher that read an old
  // head would otherwise reserve it anew and give a deleted version's number to other bytes); the
  // next gc past the grace period turns it into a tombstone like any abandoned reservation.
  const keep = reservationKey(model, n);
  for await (const o of listAll(ctx.driver, versionPrefix(model, n)))
    if (o.key !== keep) await ctx.driver.delete(o.key);
  return true;
}
