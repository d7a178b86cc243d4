// One interface for every storage backend. It exposes only the primitives the protocol needs
// (see docs/layout.md): plain reads, conditional reads, create-only writes, compare-and-swap,
// paginated listing and deletes. Keys are relative POSIX paths below the store root.
import type { Readable } from 'node:stream';

export interface StoredObject {
  body: Uint8Array;
  /** Opaque change token: equal tokens mean equal content. */
  etag: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  /** Last modification time in ms since the epoch (used for grace periods). */
  modifiedAt: number;
}

export interface ListPage {
  objects: ObjectInfo[];
  /** With `delimiter: '/'`: the distinct "sub-directories" one level below the prefix, each ending in "/". */
  prefixes: string[];
  /** Pass back to get the next page; undefined on the last page. */
  cursor?: string;
}

export interface ListOptions {
  cursor?: string;
  /** At most this many entries (objects plus prefixes) per page; drivers default to 1000. */
  pageSize?: number;
  /** "/" groups keys below the next "/" into `prefixes` instead of listing them. */
  delimiter?: '/';
}

export interface PutStreamOptions {
  /** Called with the number of bytes written so far. */
  onProgress?: (bytes: number) => void;
  /** Total size when known (lets S3 choose part sizes; enables progress percentages). */
  size?: number;
}

export interface PutResult {
  etag: string;
  size: number;
}

export interface StorageDriver {
  /** "fs" or "s3". */
  readonly kind: string;
  /** Where the store is, safe to print: never contains credentials. */
  readonly location: string;
  /**
   * The local directory keys map into, for drivers whose objects are plain files (fs). Readers use
   * it for what only a filesystem offers: native change events and statfs. Undefined elsewhere.
   */
  readonly localRoot?: string;
  /**
   * True when every object `list` returns carries its `etag`, and that etag is the one `get` returns
   * for the same object (so it changes whenever the object's content does). Listings then keep the
   * index summary (docs/layout.md, "Listing"). S3 lists etags for free; a filesystem would have to
   * read every file, so it leaves this unset.
   */
  readonly listReturnsEtags?: boolean;

  /** Throws NotFoundError when absent. */
  get(key: string): Promise<StoredObject>;
  /** One storage request: the object when its etag differs from `etag`, or "unchanged". Throws NotFoundError. */
  getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | 'unchanged'>;
  /** Metadata without the body, or undefined when absent. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Writes only if the key does not exist; throws AlreadyExistsError otherwise. Atomic: readers see all or nothing. */
  putCreateOnly(key: string, body: Uint8Array): Promise<PutResult>;
  /** Replaces the object only if its current etag equals `etag`; throws PreconditionFailedError otherwise. */
  putIfMatch(key: string, body: Uint8Array, etag: string): Promise<PutResult>;
  /** Lists objects whose key starts with `prefix`, in ascending key order, one page per call. */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Removes a key; absent keys are not an error. */
  delete(key: string): Promise<void>;
  /** Streams an object. Throws NotFoundError. */
  getStream(key: string): Promise<Readable>;
  /** Create-only streaming upload; nothing is visible at `key` until the whole stream is stored. */
  putStreamCreateOnly(key: string, body: Readable, options?: PutStreamOptions): Promise<PutResult>;
  /**
   * Removes driver-level debris older than `olderThanMs` (fs: orphaned temp files and stale locks;
   * s3: incomplete multipart uploads). Returns a description of each item removed (or found, on dry run).
   */
  reclaimDebris?(olderThanMs: number, dryRun: boolean): Promise<string[]>;
  /** Releases sockets and handles. */
  close?(): Promise<void>;
}

/** Iterates every object under a prefix, following pagination. */
export async function* listAll(
  driver: StorageDriver,
  prefix: string,
  pageSize?: number,
): AsyncGenerator<ObjectInfo> {
  let cursor: string | undefined;
  do {
    const page = await driver.list(prefix, { cursor, pageSize });
    yield* page.objects;
    cursor = page.cursor;
  } while (cursor);
}

/** Every sub-prefix one level below `prefix` (e.g. the version directories of a model). */
export async function listPrefixes(driver: StorageDriver, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(prefix, { cursor, delimiter: '/' });
    out.push(...page.prefixes);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
