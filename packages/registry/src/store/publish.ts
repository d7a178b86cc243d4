// Publishing a version (docs/layout.md, "Commit protocol"):
//   1. create the model's index entry (create-only; ignored if present)
//   2. reserve a version number n with a create-only reservation document, taking n+1 on conflict
//   3. upload every file under v/<n>/files/, hashing as the bytes stream past
//   4. create the manifest create-only: its existence commits version n
//   5. raise head.latest to n by compare-and-swap (readers poll the head)
//   6. copy the head's state into the index entry (advisory, for listings)
// A publisher killed anywhere before 4 leaves an invisible reservation that gc reclaims later.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { AlreadyExistsError, ConflictError, HeadNotRaisedError, InvalidArgumentError } from '../errors.ts';
import { fileKey, indexKey, manifestKey, reservationKey } from '../layout.ts';
import { parseArtifactPath, parseModelName } from '../names.ts';
import {
  encodeDocument,
  type FileEntry,
  type FormatEntry,
  type Head,
  type Manifest,
  SCHEMA_VERSION,
} from '../schema.ts';
import { nowIso, type StoreContext } from './context.ts';
import { readHead, updateHead } from './head.ts';
import { recordIndexHead } from './index-entry.ts';

export interface PublishFile {
  /** Relative path inside the version, e.g. "weights.json" or "variables/variables.index". */
  path: string;
  /** The bytes, for small files already in memory. */
  data?: Uint8Array;
  /** A local file to stream from. */
  sourcePath?: string;
  /** A stream factory, for generated content. */
  stream?: () => Readable;
  /** Bytes kept outside the store: the manifest records the URL and digest, nothing is uploaded. */
  external?: { url: string; sha256: string; size: number };
}

export interface PublishProgress {
  path: string;
  bytes: number;
  /** Size of this file when known. */
  total?: number;
}

export interface PublishOptions {
  model: string;
  files: PublishFile[];
  metadata?: Record<string, unknown>;
  formats?: FormatEntry[];
  onProgress?: (p: PublishProgress) => void;
  /** Test hook: called after each file is stored, before the manifest commits. */
  afterFile?: (path: string) => void | Promise<void>;
  /**
   * Called with the exact manifest bytes just before they are committed, e.g. to store a signature
   * beside them so that the version is signed from the instant it becomes visible.
   */
  beforeCommit?: (manifest: Manifest, bytes: Uint8Array) => void | Promise<void>;
}

export interface PublishResult {
  model: string;
  version: number;
  /** "sha256:<hex>" of the manifest bytes: one digest for the whole version. */
  digest: string;
  manifest: Manifest;
}

export function manifestDigest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export async function publish(ctx: StoreContext, options: PublishOptions): Promise<PublishResult> {
  const model = parseModelName(options.model);
  const files = validateFiles(options.files);
  const formats = options.formats ?? [];
  for (const f of formats) {
    for (const p of f.files) {
      if (!files.some((x) => x.path === p)) {
        throw new InvalidArgumentError(
          `format ${JSON.stringify(f.name)} names ${JSON.stringify(p)}, which is not among the files`,
        );
      }
    }
  }

  // The index entry is written before the first head, so an existing head means it is there.
  const head = await readHead(ctx, model);
  if (!head) {
    await ctx.driver
      .putCreateOnly(indexKey(model), encodeDocument({ model, createdAt: nowIso() }))
      .catch((err) => {
        if (!(err instanceof AlreadyExistsError)) throw err;
      });
  }

  const version = await reserveVersion(ctx, model, head?.head.latest ?? 0);
  const entries: FileEntry[] = [];
  for (const file of files) {
    entries.push(await storeFile(ctx, model, version, file, options.onProgress));
    await options.afterFile?.(file.path);
  }

  const manifest: Manifest = {
    schemaVersion: SCHEMA_VERSION,
    model,
    version,
    createdAt: nowIso(),
    creator: ctx.creator,
    files: entries,
    formats,
    metadata: options.metadata ?? {},
  };
  const bytes = encodeDocument(manifest);
  await options.beforeCommit?.(manifest, bytes);
  try {
    await ctx.driver.putCreateOnly(manifestKey(model, version), bytes);
  } catch (err) {
    if (err instanceof AlreadyExistsError) {
      throw new ConflictError(
        `version ${version} of ${JSON.stringify(model)} was reclaimed by gc before it could be committed`,
        'the publish took longer than the gc grace period: publish again, or run gc with a longer --grace',
      );
    }
    throw err;
  }
  const digest = manifestDigest(bytes);
  let raised: Head;
  try {
    // Swap from the head read before the upload: one read fewer per publish, and a head that
    // moved meanwhile only costs one failed compare and a fresh read.
    raised = await updateHead(
      ctx,
      model,
      (head) => (head.latest !== null && head.latest >= version ? undefined : { ...head, latest: version }),
      head ?? null,
    );
  } catch (err) {
    // The manifest is the commit: reporting a plain failure here would invite a second publish of
    // the same files. Say what is true instead: committed, not yet followed.
    throw new HeadNotRaisedError(model, version, digest, err);
  }
  // Advisory copy for listings (docs/layout.md, "Listing"); never fails the publish.
  await recordIndexHead(ctx, model, raised);
  return { model, version, digest, manifest };
}

function validateFiles(files: PublishFile[]): PublishFile[] {
  if (files.length === 0) throw new InvalidArgumentError('a version needs at least one file');
  const seen = new Set<string>();
  for (const f of files) {
    parseArtifactPath(f.path);
    if (seen.has(f.path)) throw new InvalidArgumentError(`file ${JSON.stringify(f.path)} is listed twice`);
    // A file "a" and a file "a/b" cannot both exist on a filesystem.
    for (const other of seen) {
      if (other.startsWith(`${f.path}/`) || f.path.startsWith(`${other}/`)) {
        throw new InvalidArgumentError(
          `file ${JSON.stringify(f.path)} clashes with ${JSON.stringify(other)}`,
        );
      }
    }
    seen.add(f.path);
    const sources = [f.data, f.sourcePath, f.stream, f.external].filter((x) => x !== undefined).length;
    if (sources !== 1)
      throw new InvalidArgumentError(
        `file ${JSON.stringify(f.path)} needs exactly one of data, sourcePath, stream, external`,
      );
    if (f.external && !/^[0-9a-f]{64}$/.test(f.external.sha256)) {
      throw new InvalidArgumentError(
        `external file ${JSON.stringify(f.path)} has an invalid sha256 ${JSON.stringify(f.external.sha256)}`,
      );
    }
  }
  return files;
}

/** Claims the lowest free version number above the head's latest. */
async function reserveVersion(ctx: StoreContext, model: string, latest: number): Promise<number> {
  let n = latest + 1;
  for (;;) {
    const doc = { model, version: n, createdAt: nowIso(), creator: ctx.creator };
    try {
      await ctx.driver.putCreateOnly(reservationKey(model, n), encodeDocument(doc));
      return n;
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      n++;
    }
  }
}

async function storeFile(
  ctx: StoreContext,
  model: string,
  version: number,
  file: PublishFile,
  onProgress?: (p: PublishProgress) => void,
): Promise<FileEntry> {
  if (file.external)
    return {
      path: file.path,
      size: file.external.size,
      sha256: file.external.sha256,
      url: file.external.url,
    };
  const key = fileKey(model, version, file.path);
  if (file.data) {
    await ctx.driver.putCreateOnly(key, file.data);
    onProgress?.({ path: file.path, bytes: file.data.byteLength, total: file.data.byteLength });
    return {
      path: file.path,
      size: file.data.byteLength,
      sha256: createHash('sha256').update(file.data).digest('hex'),
    };
  }
  const total = file.sourcePath ? (await stat(file.sourcePath)).size : undefined;
  const source = file.sourcePath ? createReadStream(file.sourcePath) : file.stream!();
  const hash = createHash('sha256');
  let size = 0;
  // The digest is computed as the bytes stream to storage: large files are never buffered whole.
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  source.on('error', (err: Error) => hashing.destroy(err));
  await ctx.driver.putStreamCreateOnly(key, source.pipe(hashing), {
    size: total,
    onProgress: (bytes) => onProgress?.({ path: file.path, bytes, total }),
  });
  return { path: file.path, size, sha256: hash.digest('hex') };
}
