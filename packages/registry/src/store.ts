// The Store: one object per opened store, binding the protocol operations to a driver.

import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { StorageDriver } from './drivers/driver.ts';
import { FsDriver } from './drivers/fs.ts';
import { driverFor } from './drivers/index.ts';
import { AlreadyExistsError, ManifestError, NotAStoreError, NotFoundError } from './errors.ts';
import { STORE_MARKER_KEY } from './layout.ts';
import { parseModelName, parseReference, type Reference } from './names.ts';
import {
  type Creator,
  encodeDocument,
  LAYOUT_VERSION,
  type Manifest,
  parseDocument,
  type StoreMarker,
  storeMarkerSchema,
} from './schema.ts';
import { defaultCreator, nowIso, type StoreContext } from './store/context.ts';
import { type GcOptions, type GcReport, gc } from './store/gc.ts';
import { readHead } from './store/head.ts';
import { type PublishOptions, type PublishResult, publish } from './store/publish.ts';
import { type PullOptions, pullVersion } from './store/pull.ts';
import {
  listModelNames,
  listModels,
  listVersions,
  type ModelSummary,
  openFileVerified,
  pollHead,
  type Resolution,
  readFileVerified,
  readVersion,
  resolve,
  type VersionRecord,
} from './store/read.ts';
import { history, type MoveOptions, pin, removeAlias, rollback, setAlias, unpin } from './store/refs.ts';
import { type VerifyReport, verifyAll, verifyVersion } from './store/verify.ts';

export interface OpenOptions {
  /** Create the store marker if it is missing (what `modelshelf init` does). */
  create?: boolean;
  /** Who is acting, recorded in manifests and the ref log. Defaults to the OS user and host. */
  creator?: Partial<Creator>;
}

export class Store {
  private readonly ctx: StoreContext;

  constructor(
    readonly driver: StorageDriver,
    creator: Partial<Creator> = {},
  ) {
    this.ctx = { driver, creator: defaultCreator(creator) };
  }

  get location(): string {
    return this.driver.location;
  }

  publish(options: PublishOptions): Promise<PublishResult> {
    return publish(this.ctx, options);
  }
  resolve(ref: string | Reference): Promise<Resolution> {
    return resolve(this.ctx, ref);
  }
  readVersion(model: string, version: number): Promise<VersionRecord> {
    return readVersion(this.ctx, parseModelName(model), version);
  }
  /** The model's head (latest, pin, aliases) or undefined for an unknown model. */
  async head(model: string) {
    return (await readHead(this.ctx, parseModelName(model)))?.head;
  }
  /** One conditional storage request: what a watcher does on every poll. */
  pollHead(model: string, etag: string | undefined) {
    return pollHead(this.ctx, parseModelName(model), etag);
  }
  listModelNames(prefix?: string): Promise<string[]> {
    return listModelNames(this.ctx, prefix);
  }
  listModels(prefix?: string): Promise<ModelSummary[]> {
    return listModels(this.ctx, prefix);
  }
  listVersions(model: string): Promise<VersionRecord[]> {
    return listVersions(this.ctx, model);
  }
  readFile(manifest: Manifest, path: string): Promise<Uint8Array> {
    return readFileVerified(this.ctx, manifest, path);
  }
  openFile(manifest: Manifest, path: string): Promise<Readable> {
    return openFileVerified(this.ctx, manifest, path);
  }
  pull(manifest: Manifest, dir: string, options?: PullOptions): Promise<string[]> {
    return pullVersion(this.ctx, manifest, dir, options);
  }
  pin(model: string, version: number, options?: MoveOptions) {
    return pin(this.ctx, model, version, options);
  }
  unpin(model: string, options?: MoveOptions) {
    return unpin(this.ctx, model, options);
  }
  setAlias(model: string, alias: string, version: number, options?: MoveOptions) {
    return setAlias(this.ctx, model, alias, version, options);
  }
  removeAlias(model: string, alias: string, options?: MoveOptions) {
    return removeAlias(this.ctx, model, alias, options);
  }
  rollback(model: string, options?: MoveOptions & { alias?: string }) {
    return rollback(this.ctx, model, options);
  }
  history(model: string) {
    return history(this.ctx, model);
  }
  verify(ref: string): Promise<VerifyReport> {
    const r = parseReference(ref);
    return r.kind === 'version'
      ? verifyVersion(this.ctx, r.model, r.version)
      : this.resolve(r).then((res) => verifyVersion(this.ctx, res.model, res.version));
  }
  verifyAll(prefix?: string): Promise<VerifyReport[]> {
    return verifyAll(this.ctx, prefix);
  }
  gc(options?: GcOptions): Promise<GcReport> {
    return gc(this.ctx, options);
  }
  async close(): Promise<void> {
    await this.driver.close?.();
  }
}

async function readMarker(driver: StorageDriver): Promise<StoreMarker | undefined> {
  try {
    return parseDocument(storeMarkerSchema, STORE_MARKER_KEY, (await driver.get(STORE_MARKER_KEY)).body);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    if (err instanceof ManifestError)
      throw new NotAStoreError(driver.location, `${STORE_MARKER_KEY} is not a modelshelf marker`);
    throw err;
  }
}

/** Opens a store by URI (a directory, `file:///path`, or `s3://bucket/prefix`). */
export async function openStore(uri: string, options: OpenOptions = {}): Promise<Store> {
  return openStoreWithDriver(await driverFor(uri), options);
}

export async function openStoreWithDriver(driver: StorageDriver, options: OpenOptions = {}): Promise<Store> {
  let marker = await readMarker(driver);
  if (!marker && options.create) {
    const doc: StoreMarker = { format: 'modelshelf', layoutVersion: LAYOUT_VERSION, createdAt: nowIso() };
    await driver.putCreateOnly(STORE_MARKER_KEY, encodeDocument(doc)).catch((err) => {
      if (!(err instanceof AlreadyExistsError)) throw err;
    });
    marker = await readMarker(driver);
  }
  if (!marker) throw await noMarker(driver);
  if (marker.layoutVersion > LAYOUT_VERSION) {
    throw new NotAStoreError(
      driver.location,
      `layout version ${marker.layoutVersion} is newer than this modelshelf understands (${LAYOUT_VERSION})`,
      'unsupported',
      'upgrade modelshelf to read this store',
    );
  }
  return new Store(driver, options.creator);
}

/** Why a location has no marker: on a filesystem, say whether the path is missing or a plain file. */
async function noMarker(driver: StorageDriver): Promise<NotAStoreError> {
  if (driver instanceof FsDriver) {
    const info = await stat(driver.root).catch(() => undefined);
    if (!info) {
      return new NotAStoreError(
        driver.location,
        'the directory does not exist',
        'missing',
        'check the path for a typo, or create a store there with `modelshelf init`',
      );
    }
    if (!info.isDirectory()) {
      return new NotAStoreError(
        driver.location,
        'it is a file, not a directory',
        'not-a-directory',
        `a store is a directory: pass the directory that holds ${STORE_MARKER_KEY}`,
      );
    }
  }
  return new NotAStoreError(driver.location, `${STORE_MARKER_KEY} is missing`);
}

export { parseReference };
