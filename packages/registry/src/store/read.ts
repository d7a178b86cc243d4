// The read side: what a loader or the CLI needs to find and fetch a committed version.
import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { listAll, listPrefixes } from '../drivers/driver.ts';
import {
  AliasNotFoundError,
  IntegrityError,
  ManifestError,
  ModelNotFoundError,
  NotFoundError,
  VersionNotFoundError,
} from '../errors.ts';
import {
  fileKey,
  headKey,
  INDEX_PREFIX,
  manifestKey,
  modelFromIndexKey,
  versionFromKey,
  versionsPrefix,
} from '../layout.ts';
import { parseModelName, parseReference, type Reference } from '../names.ts';
import {
  type FileEntry,
  type Head,
  headSchema,
  type Manifest,
  manifestSchema,
  parseDocument,
  tombstoneSchema,
} from '../schema.ts';
import { mapLimit, type StoreContext } from './context.ts';
import { readHead, requireHead } from './head.ts';
import { isIndexEntryKey, listModelsFromIndex } from './listing.ts';
import { manifestDigest } from './publish.ts';

export interface VersionRecord {
  manifest: Manifest;
  /** "sha256:<hex>" of the manifest bytes. */
  digest: string;
  bytes: Uint8Array;
}

export type ResolvedVia = 'pin' | 'alias' | 'latest' | 'version';

export interface Resolution extends VersionRecord {
  model: string;
  version: number;
  via: ResolvedVia;
}

/** Reads and validates the manifest of a committed version. Tombstones and absent manifests are "not found". */
export async function readVersion(ctx: StoreContext, model: string, version: number): Promise<VersionRecord> {
  const key = manifestKey(model, version);
  let bytes: Uint8Array;
  try {
    bytes = (await ctx.driver.get(key)).body;
  } catch (err) {
    if (err instanceof NotFoundError) throw new VersionNotFoundError(model, version);
    throw err;
  }
  let manifest: Manifest;
  try {
    manifest = parseDocument(manifestSchema, key, bytes);
  } catch (err) {
    // gc claims an abandoned reservation by writing a tombstone where the manifest would go.
    if (tombstoneSchema.safeParse(safeJson(bytes)).success) throw new VersionNotFoundError(model, version);
    throw err;
  }
  // A manifest copied to another name or number must not pass for that version.
  if (manifest.model !== model || manifest.version !== version) {
    throw new ManifestError(
      key,
      `it describes ${manifest.model}@${manifest.version}, not ${model}@${version}`,
    );
  }
  return { manifest, digest: manifestDigest(bytes), bytes };
}

function safeJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

/** Which version a reference designates, given the model's head. */
export function selectVersion(ref: Reference, head: Head): { version: number; via: ResolvedVia } {
  if (ref.kind === 'version') return { version: ref.version, via: 'version' };
  if (ref.kind === 'alias') {
    const v = head.aliases[ref.alias];
    if (v === undefined) throw new AliasNotFoundError(ref.model, ref.alias);
    return { version: v, via: 'alias' };
  }
  if (head.pin !== null) return { version: head.pin, via: 'pin' };
  if (head.latest === null) throw new ModelNotFoundError(ref.model);
  return { version: head.latest, via: 'latest' };
}

export async function resolve(ctx: StoreContext, reference: string | Reference): Promise<Resolution> {
  const ref = typeof reference === 'string' ? parseReference(reference) : reference;
  if (ref.kind === 'version') {
    const rec = await readVersion(ctx, ref.model, ref.version);
    return { ...rec, model: ref.model, version: ref.version, via: 'version' };
  }
  const { head } = await requireHead(ctx, ref.model);
  const { version, via } = selectVersion(ref, head);
  return { ...(await readVersion(ctx, ref.model, version)), model: ref.model, version, via };
}

/** One conditional request: the head when it changed since `etag`, else "unchanged". */
export async function pollHead(
  ctx: StoreContext,
  model: string,
  etag: string | undefined,
): Promise<{ head: Head; etag: string } | 'unchanged'> {
  const key = headKey(model);
  let res: Awaited<ReturnType<typeof ctx.driver.getIfChanged>>;
  try {
    res = await ctx.driver.getIfChanged(key, etag);
  } catch (err) {
    if (err instanceof NotFoundError) throw new ModelNotFoundError(model);
    throw err;
  }
  if (res === 'unchanged') return res;
  return { head: parseDocument(headSchema, key, res.body), etag: res.etag };
}

export interface ModelSummary {
  model: string;
  latest: number | null;
  pin: number | null;
  aliases: Record<string, number>;
}

/** Every model name in the store (one listing of the index, whatever the number of versions). */
export async function listModelNames(ctx: StoreContext, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for await (const obj of listAll(ctx.driver, INDEX_PREFIX)) {
    if (!isIndexEntryKey(obj.key)) continue;
    const model = modelFromIndexKey(obj.key);
    if (model.startsWith(prefix)) names.push(model);
  }
  return names.sort();
}

export async function listModels(ctx: StoreContext, prefix = ''): Promise<ModelSummary[]> {
  // With etags in the listing (S3) the index and its summary answer without reading any head.
  if (ctx.driver.listReturnsEtags) return listModelsFromIndex(ctx, prefix);
  // Elsewhere (a filesystem) reading each head is cheap and needs no summary.
  const names = await listModelNames(ctx, prefix);
  const heads = await mapLimit(names, 32, (m) => readHead(ctx, m));
  const out: ModelSummary[] = [];
  names.forEach((model, i) => {
    const h = heads[i]?.head;
    // A model whose first publish never committed has an index entry but no head: not listed.
    if (h) out.push({ model, latest: h.latest, pin: h.pin, aliases: h.aliases });
  });
  return out;
}

/** Version numbers that have a directory (committed or not), ascending. */
export async function listVersionNumbers(ctx: StoreContext, model: string): Promise<number[]> {
  const prefixes = await listPrefixes(ctx.driver, versionsPrefix(model));
  return prefixes
    .map((p) => versionFromKey(model, p))
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
}

/** Every committed version, oldest first. */
export async function listVersions(ctx: StoreContext, model: string): Promise<VersionRecord[]> {
  parseModelName(model);
  const numbers = await listVersionNumbers(ctx, model);
  if (numbers.length === 0 && !(await readHead(ctx, model))) throw new ModelNotFoundError(model);
  const records = await mapLimit(numbers, 16, (n) =>
    readVersion(ctx, model, n).catch((err) => {
      if (err instanceof VersionNotFoundError) return undefined;
      throw err;
    }),
  );
  return records.filter((r): r is VersionRecord => r !== undefined);
}

function fileEntry(manifest: Manifest, path: string): FileEntry {
  const entry = manifest.files.find((f) => f.path === path);
  if (!entry) throw new NotFoundError(`${manifest.model}@${manifest.version}/${path}`);
  return entry;
}

/** Reads a whole file and checks it against the manifest. */
export async function readFileVerified(
  ctx: StoreContext,
  manifest: Manifest,
  path: string,
): Promise<Uint8Array> {
  const entry = fileEntry(manifest, path);
  if (entry.url) throw new NotFoundError(`${path} is kept at ${entry.url}; fetch it with openFileVerified`);
  const { body } = await ctx.driver.get(fileKey(manifest.model, manifest.version, path));
  checkDigest(manifest, entry, body.byteLength, createHash('sha256').update(body).digest('hex'));
  return body;
}

/** Streams a file; the stream fails with IntegrityError at its end if size or digest differ. */
export async function openFileVerified(
  ctx: StoreContext,
  manifest: Manifest,
  path: string,
): Promise<Readable> {
  const entry = fileEntry(manifest, path);
  if (entry.url) {
    // Bytes kept outside the store (a large model by reference): fetched and verified from their URL.
    const { openExternalVerified } = await import('../drivers/s3/external.ts');
    return openExternalVerified({ url: entry.url, sha256: entry.sha256, size: entry.size });
  }
  const source = await ctx.driver.getStream(fileKey(manifest.model, manifest.version, path));
  const hash = createHash('sha256');
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > entry.size) return done(integrity(manifest, entry, 'is larger than its manifest says'));
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      try {
        checkDigest(manifest, entry, size, hash.digest('hex'));
        done();
      } catch (err) {
        done(err as Error);
      }
    },
  });
  source.on('error', (err) => check.destroy(err));
  return source.pipe(check);
}

function integrity(manifest: Manifest, entry: FileEntry, what: string): IntegrityError {
  return new IntegrityError(
    `${manifest.model}@${manifest.version}: file ${JSON.stringify(entry.path)} ${what}`,
    entry.path,
  );
}

function checkDigest(manifest: Manifest, entry: FileEntry, size: number, sha256: string): void {
  if (size !== entry.size)
    throw integrity(manifest, entry, `has ${size} bytes, the manifest says ${entry.size}`);
  if (sha256 !== entry.sha256)
    throw integrity(manifest, entry, `has SHA-256 ${sha256}, the manifest says ${entry.sha256}`);
}
