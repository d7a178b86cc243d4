// Filesystem driver for local disks and shared mounts (NFS, CephFS).
//
// Create-only writes: the bytes go to a private temp file under `<root>/.tmp/`, are fsynced, and are
// then hard-linked onto the target name. link() is atomic and fails with EEXIST when the name is
// taken, on local filesystems and on NFS/CephFS alike, so exactly one of any number of racing
// writers (on any number of machines) wins, and a reader never sees a half-written file.
//
// Compare-and-swap: a short-lived lock file created the same way (link onto `<root>/.locks/<key>`)
// guards read-compare-rename. Readers never take the lock; rename() replaces the target atomically.
// A lock older than `staleLockMs` belongs to a dead writer and is broken by renaming it away
// (only one breaker's rename can succeed).
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  NotFoundError,
  PreconditionFailedError,
  ReadOnlyStoreError,
  StorageUnavailableError,
} from '../errors.ts';
import type {
  ListOptions,
  ListPage,
  ObjectInfo,
  PutResult,
  PutStreamOptions,
  StorageDriver,
  StoredObject,
} from './driver.ts';

export interface FsDriverOptions {
  /** A lock older than this is considered abandoned by a crashed writer. Default 30 s. */
  staleLockMs?: number;
  /** How long putIfMatch waits for a busy lock before giving up. Default 10 s. */
  lockWaitMs?: number;
}

const TMP_DIR = '.tmp';
const LOCK_DIR = '.locks';
const DEFAULT_PAGE = 1000;

type Errno = NodeJS.ErrnoException;
const code = (err: unknown) => (err as Errno)?.code;

export function contentEtag(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 32);
}

export class FsDriver implements StorageDriver {
  readonly kind = 'fs';
  readonly location: string;
  readonly localRoot: string;
  private readonly staleLockMs: number;
  private readonly lockWaitMs: number;

  constructor(
    readonly root: string,
    options: FsDriverOptions = {},
  ) {
    this.root = resolve(root);
    this.location = this.root;
    this.localRoot = this.root;
    this.staleLockMs = options.staleLockMs ?? 30_000;
    this.lockWaitMs = options.lockWaitMs ?? 10_000;
  }

  /** Maps a key to a path, refusing anything that could leave the root. */
  private path(key: string): string {
    if (key.length === 0 || key.startsWith('/') || key.includes('\0') || key.includes('\\')) {
      throw new InvalidArgumentError(`storage key ${JSON.stringify(key)} is not a relative path`);
    }
    for (const s of key.split('/')) {
      if (s === '..' || s === '.' || s.startsWith('.')) {
        throw new InvalidArgumentError(
          `storage key ${JSON.stringify(key)} has a forbidden segment ${JSON.stringify(s)}`,
        );
      }
    }
    return join(this.root, ...key.split('/'));
  }

  private wrap(err: unknown, key: string): never {
    const c = code(err);
    if (c === 'ENOENT' || c === 'ENOTDIR' || c === 'EISDIR') throw new NotFoundError(key, this.location);
    if (c === 'EROFS' || c === 'EACCES' || c === 'EPERM') throw new ReadOnlyStoreError(this.location, err);
    if (c === 'ENOSPC' || c === 'EIO' || c === 'ESTALE' || c === 'ENOTCONN' || c === 'EDQUOT') {
      throw new StorageUnavailableError(this.location, `${c} on ${JSON.stringify(key)}`, err);
    }
    throw err;
  }

  async get(key: string): Promise<StoredObject> {
    try {
      const body = new Uint8Array(await readFile(this.path(key)));
      return { body, etag: contentEtag(body) };
    } catch (err) {
      this.wrap(err, key);
    }
  }

  async getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | 'unchanged'> {
    // One read: the file is small (a head document) and hashing it is cheaper than a second stat.
    const obj = await this.get(key);
    return obj.etag === etag ? 'unchanged' : obj;
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.path(key));
      if (!s.isFile()) return undefined;
      return { key, size: s.size, modifiedAt: s.mtimeMs };
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
      this.wrap(err, key);
    }
  }

  /** Writes `fill`'s output to a fresh temp file, fsynced. Returns its path and the bytes written. */
  private async writeTemp(
    fill: (fd: import('node:fs/promises').FileHandle) => Promise<number>,
    durable = true,
  ): Promise<[string, number]> {
    const dir = join(this.root, TMP_DIR);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o644);
    try {
      const size = await fill(fh);
      if (durable) await fh.sync();
      return [tmp, size];
    } catch (err) {
      await fh.close().catch(() => {});
      await unlink(tmp).catch(() => {});
      throw err;
    } finally {
      await fh.close().catch(() => {});
    }
  }

  /** link() the temp file onto the target; EEXIST means another writer owns the name. */
  private async linkInto(tmp: string, key: string): Promise<void> {
    const target = this.path(key);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await mkdir(dirname(target), { recursive: true });
          await link(tmp, target);
          await syncDir(dirname(target));
          return;
        } catch (err) {
          // A concurrent delete may remove the freshly made parent directory; make it again.
          if (code(err) === 'ENOENT' && attempt < 5) continue;
          if (code(err) === 'EEXIST') throw new AlreadyExistsError(key);
          this.wrap(err, key);
        }
      }
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }

  async putCreateOnly(key: string, body: Uint8Array): Promise<PutResult> {
    this.path(key);
    let tmp: string;
    try {
      [tmp] = await this.writeTemp(async (fh) => {
        await fh.writeFile(body);
        return body.byteLength;
      });
    } catch (err) {
      this.wrap(err, key);
    }
    await this.linkInto(tmp, key);
    return { etag: contentEtag(body), size: body.byteLength };
  }

  async putStreamCreateOnly(key: string, body: Readable, options: PutStreamOptions = {}): Promise<PutResult> {
    this.path(key);
    const hash = createHash('sha256');
    let tmp: string;
    let size = 0;
    try {
      [tmp, size] = await this.writeTemp(async (fh) => {
        let written = 0;
        // Plain awaited writes: natural backpressure, and the handle stays ours for the fsync that follows.
        for await (const chunk of body as AsyncIterable<Buffer>) {
          await fh.write(chunk);
          written += chunk.length;
          hash.update(chunk);
          options.onProgress?.(written);
        }
        return written;
      });
    } catch (err) {
      this.wrap(err, key);
    }
    await this.linkInto(tmp, key);
    return { etag: hash.digest('hex').slice(0, 32), size };
  }

  async putIfMatch(key: string, body: Uint8Array, etag: string): Promise<PutResult> {
    const target = this.path(key);
    const release = await this.lock(key);
    try {
      let current: StoredObject;
      try {
        current = await this.get(key);
      } catch (err) {
        if (err instanceof NotFoundError) throw new PreconditionFailedError(key);
        throw err;
      }
      if (current.etag !== etag) throw new PreconditionFailedError(key);
      const [tmp] = await this.writeTemp(async (fh) => {
        await fh.writeFile(body);
        return body.byteLength;
      });
      try {
        await rename(tmp, target);
        await syncDir(dirname(target));
      } catch (err) {
        await unlink(tmp).catch(() => {});
        this.wrap(err, key);
      }
      return { etag: contentEtag(body), size: body.byteLength };
    } finally {
      await release();
    }
  }

  /** Takes the CAS lock of `key`; returns its release function. */
  private async lock(key: string): Promise<() => Promise<void>> {
    const lockPath = join(this.root, LOCK_DIR, encodeURIComponent(key));
    const deadline = Date.now() + this.lockWaitMs;
    // A lock only matters while its owner runs, so it is not fsynced.
    const [tmp] = await this.writeTemp(async (fh) => {
      await fh.writeFile(JSON.stringify({ pid: process.pid, at: new Date().toISOString() }));
      return 0;
    }, false).catch((err) => this.wrap(err, key));
    try {
      await mkdir(dirname(lockPath), { recursive: true });
      for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
        try {
          await link(tmp, lockPath);
          return async () => {
            await unlink(lockPath).catch(() => {});
          };
        } catch (err) {
          if (code(err) !== 'EEXIST') this.wrap(err, key);
        }
        const held = await stat(lockPath).catch(() => undefined);
        if (held && Date.now() - held.mtimeMs > this.staleLockMs) {
          // Renaming to a unique name lets exactly one breaker remove the stale lock.
          const broken = `${lockPath}.broken-${randomBytes(6).toString('hex')}`;
          if (
            await rename(lockPath, broken).then(
              () => true,
              () => false,
            )
          )
            await unlink(broken).catch(() => {});
          continue;
        }
        if (Date.now() > deadline) throw new PreconditionFailedError(key);
        await sleep(delay + Math.random() * delay);
      }
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const pageSize = Math.max(1, options.pageSize ?? DEFAULT_PAGE);
    const cursor = options.cursor;
    const cut = prefix.lastIndexOf('/');
    const baseKey = cut < 0 ? '' : prefix.slice(0, cut + 1);
    if (baseKey) this.path(baseKey.slice(0, -1));
    const objects: ObjectInfo[] = [];
    const prefixes: string[] = [];
    let more = false;
    const full = () => objects.length + prefixes.length >= pageSize;

    // Depth-first walk in global key order, skipping subtrees that lie entirely before the cursor.
    const walk = async (dirKey: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(join(this.root, ...dirKey.split('/').filter(Boolean)), {
          withFileTypes: true,
        });
      } catch (err) {
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return;
        this.wrap(err, dirKey);
      }
      const items = entries
        .filter((e) => !e.name.startsWith('.'))
        .map((e) => ({ key: dirKey + e.name + (e.isDirectory() ? '/' : ''), dir: e.isDirectory() }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (const item of items) {
        if (more) return;
        if (!(item.key.startsWith(prefix) || prefix.startsWith(item.key))) continue;
        if (item.dir) {
          if (cursor && item.key < cursor && !cursor.startsWith(item.key)) continue;
          if (options.delimiter && item.key.length > prefix.length && item.key.startsWith(prefix)) {
            if (cursor && item.key <= cursor) continue;
            if (full()) {
              more = true;
              return;
            }
            prefixes.push(item.key);
            continue;
          }
          await walk(item.key);
        } else {
          if (!item.key.startsWith(prefix) || (cursor && item.key <= cursor)) continue;
          if (full()) {
            more = true;
            return;
          }
          const s = await stat(join(this.root, ...item.key.split('/'))).catch(() => undefined);
          if (s) objects.push({ key: item.key, size: s.size, modifiedAt: s.mtimeMs });
        }
      }
    };
    await walk(baseKey);
    const last = [...objects.map((o) => o.key), ...prefixes].sort().at(-1);
    return { objects, prefixes, cursor: more ? last : undefined };
  }

  async delete(key: string): Promise<void> {
    const p = this.path(key);
    try {
      await unlink(p);
    } catch (err) {
      if (code(err) === 'ENOENT') return;
      this.wrap(err, key);
    }
    // Tidy empty parents so deleted models leave no empty directories (races are harmless: see linkInto).
    for (let dir = dirname(p); dir.startsWith(this.root + sep) && dir !== this.root; dir = dirname(dir)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }

  async getStream(key: string): Promise<Readable> {
    const p = this.path(key);
    try {
      const fh = await open(p, 'r');
      if (!(await fh.stat()).isFile()) {
        await fh.close();
        throw new NotFoundError(key, this.location);
      }
      return fh.createReadStream();
    } catch (err) {
      if (err instanceof NotFoundError) throw err;
      this.wrap(err, key);
    }
  }

  async reclaimDebris(olderThanMs: number, dryRun: boolean): Promise<string[]> {
    const found: string[] = [];
    for (const dir of [TMP_DIR, LOCK_DIR]) {
      const names = await readdir(join(this.root, dir)).catch(() => [] as string[]);
      for (const name of names) {
        const p = join(this.root, dir, name);
        const s = await stat(p).catch(() => undefined);
        if (!s || Date.now() - s.mtimeMs < olderThanMs) continue;
        found.push(`${dir}/${name}`);
        if (!dryRun) await unlink(p).catch(() => {});
      }
    }
    return found;
  }
}

/** fsync a directory so a new link survives a crash of the machine, not just of the process. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => {});
  await fh.close().catch(() => {});
}
