// Filesystem driver for local disks and shared mounts (NFS, CephFS).
//
// Create-only writes: the bytes go to a private temp file under `<root>/.tmp/`, are fsynced, and are
// then hard-linked onto the target name. link() is atomic and fails with EEXIST when the name is
// taken, on local filesystems and on NFS/CephFS alike, so exactly one of any number of racing
// writers (on any number of machines) wins, and a reader never sees a half-written file.
//
// Compare-and-swap uses nothing but link() either: no lock, no timeout, no clock. Every swapped
// object keeps a generation log under `<root>/.cas/<key>/`: generation n is a create-only file, and
// a swap from generation g is the create-only link of generation g + 1, so of all writers that read
// g exactly one can succeed, however long any of them was paused and whatever their clocks say.
// The object's value is its highest generation (see readCas for how a reader finds it in O(1)
// requests); `<key>` itself is a copy for plain readers and change notifications, rewritten after
// each swap. Old generations are pruned in epochs, behind a create-only marker that lets a writer
// which slept through the pruning tell its own generation from a re-created one (see fenced()).
// The safety argument is in docs/layout.md ("Compare-and-swap on a filesystem").
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  AlreadyExistsError,
  InvalidArgumentError,
  NotFoundError,
  PreconditionFailedError,
  ReadOnlyStoreError,
  StorageUnavailableError,
  StoreFullError,
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
  /**
   * Test hooks inside putIfMatch: after the compare and before the generation link (the "swap
   * window"), right after the link, and before the plain copy at `<key>` is rewritten.
   */
  casHooks?: {
    beforeLink?(): void | Promise<void>;
    afterLink?(): void | Promise<void>;
    beforeCopy?(): void | Promise<void>;
  };
}

const TMP_DIR = '.tmp';
/** Lock files of the lock-based compare-and-swap of earlier versions: only reclaimed by gc now. */
const LEGACY_LOCK_DIR = '.locks';
const CAS_DIR = '.cas';
const HINT = 'hint';
const genName = (n: number) => String(n).padStart(12, '0');
const markerName = (epoch: number) => `pruned-${epoch}`;
const GEN_RE = /^\d{12}$/;
/** Generations per pruning epoch: part of the layout (every writer of a store must agree on it). */
const EPOCH = 64;
/** The hint (a lower bound of the highest generation) is rewritten every this many generations. */
const HINT_EVERY = 4;
/** Entries in each per-driver memo (directories known to exist, generations seen); cleared when full. */
const MEMO_LIMIT = 4096;

interface CasState {
  gen: number;
  body: Uint8Array;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}
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
  private readonly hooks: NonNullable<FsDriverOptions['casHooks']>;
  // Memos that save metadata round trips (each one a request to the MDS on CephFS or NFS). Both are
  // only hints: a directory deleted since is re-made when a link reports ENOENT, and a generation
  // seen earlier is a lower bound of an object's value, checked like the on-disk hint (readCas).
  private tmpDirMade = false;
  private readonly knownDirs = new Set<string>();
  private readonly seenGen = new Map<string, number>();

  constructor(
    readonly root: string,
    options: FsDriverOptions = {},
  ) {
    this.root = resolve(root);
    this.location = this.root;
    this.localRoot = this.root;
    this.hooks = options.casHooks ?? {};
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
    if (c === 'ENOSPC' || c === 'EDQUOT') {
      throw new StoreFullError(
        this.location,
        `${c === 'ENOSPC' ? 'no space left on the device' : 'disk quota exceeded'} (${c}) while writing ${JSON.stringify(key)}`,
        err,
      );
    }
    if (c === 'EIO' || c === 'ESTALE' || c === 'ENOTCONN') {
      throw new StorageUnavailableError(this.location, `${c} on ${JSON.stringify(key)}`, err);
    }
    throw err;
  }

  async get(key: string): Promise<StoredObject> {
    const cas = await this.readCas(key);
    if (cas === 'absent') throw new NotFoundError(key, this.location);
    if (cas) return { body: cas.body, etag: contentEtag(cas.body) };
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
    const tmp = join(dir, `${process.pid}-${randomBytes(8).toString('hex')}`);
    if (!this.tmpDirMade) await mkdir(dir, { recursive: true });
    const fh = await open(tmp, 'wx', 0o644).catch(async (err) => {
      if (code(err) !== 'ENOENT') throw err;
      await mkdir(dir, { recursive: true }); // someone removed the temp directory
      return open(tmp, 'wx', 0o644);
    });
    this.tmpDirMade = true;
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

  private tmpExists(tmp: string): Promise<boolean> {
    return stat(tmp).then(
      () => true,
      () => false,
    );
  }

  /** Only gc removes temp files, and only those older than its grace period. */
  private lostTemp(key: string): never {
    throw new StorageUnavailableError(
      this.location,
      `the temp file of ${JSON.stringify(key)} was removed before it could be linked into place (gc with a grace period shorter than this write?)`,
    );
  }

  /**
   * link() the temp file onto `path`, fsync its directory and drop the temp name. False when the
   * name was taken (EEXIST: another writer owns it). The directory is made only when it is not known
   * to exist or the link says it is gone (a concurrent delete may remove a freshly made one).
   */
  private async linkTemp(tmp: string, path: string, key: string): Promise<boolean> {
    const parent = dirname(path);
    let linked = false;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          if (attempt > 0 || !this.knownDirs.has(parent)) await mkdir(parent, { recursive: true });
          await link(tmp, path);
          linked = true;
          bounded(this.knownDirs).add(parent);
          await syncAndDropTemp(parent, tmp);
          return true;
        } catch (err) {
          if (code(err) === 'ENOENT') this.knownDirs.delete(parent);
          if (code(err) === 'ENOENT' && !(await this.tmpExists(tmp))) this.lostTemp(key);
          if (code(err) === 'ENOENT' && attempt < 5) continue;
          if (code(err) === 'EEXIST') return false;
          this.wrap(err, key);
        }
      }
    } finally {
      if (!linked) await unlink(tmp).catch(() => {});
    }
  }

  async putCreateOnly(key: string, body: Uint8Array): Promise<PutResult> {
    if (!(await this.createOnlyFile(this.path(key), body, key))) throw new AlreadyExistsError(key);
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
    if (!(await this.linkTemp(tmp, this.path(key), key))) throw new AlreadyExistsError(key);
    return { etag: hash.digest('hex').slice(0, 32), size };
  }

  /**
   * Compare-and-swap through the object's generation log (docs/layout.md, "Compare-and-swap on a
   * filesystem"). The swap takes effect at the link() of generation g + 1, which fails for every
   * writer but one; nothing in it depends on a clock, a timeout or another writer being alive.
   */
  async putIfMatch(key: string, body: Uint8Array, etag: string): Promise<PutResult> {
    const target = this.path(key);
    const dir = this.casDir(key);
    let state: CasState;
    const cas = await this.readCas(key);
    if (cas === 'absent') throw new PreconditionFailedError(key);
    if (cas) state = cas;
    else {
      try {
        state = { gen: 0, body: new Uint8Array(await readFile(target)) };
      } catch (err) {
        if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') throw new PreconditionFailedError(key);
        this.wrap(err, key);
      }
    }
    if (contentEtag(state.body) !== etag) throw new PreconditionFailedError(key);
    await this.hooks.beforeLink?.();

    // The hint exists before the first generation does: a reader that finds no hint knows there is no log.
    if (state.gen === 0) await this.createOnlyFile(join(dir, HINT), new TextEncoder().encode('0'), key);
    const n = state.gen + 1;
    const token = randomBytes(12).toString('hex');
    const header = new TextEncoder().encode(`${JSON.stringify({ gen: n, token })}\n`);
    const won = await this.createOnlyFile(join(dir, genName(n)), concat(header, body), key);
    if (!won) throw new PreconditionFailedError(key); // another writer swapped from generation g first
    await this.hooks.afterLink?.();
    if (!(await this.fenced(dir, n, token))) throw new PreconditionFailedError(key);
    this.noteGen(dir, { gen: n, body });

    // Committed. What follows only keeps the plain copy, the hint and the log's size in shape:
    // a failure here must not turn a swap that happened into a reported failure.
    await this.hooks.beforeCopy?.();
    await this.afterSwap(key, target, dir, n, body).catch(() => {});
    return { etag: contentEtag(body), size: body.byteLength };
  }

  private casDir(key: string): string {
    return join(this.root, CAS_DIR, ...key.split('/'));
  }

  /** Writes `body` at `path` create-only (temp file, fsync, link). False when the name was taken. */
  private async createOnlyFile(path: string, body: Uint8Array, key: string): Promise<boolean> {
    let tmp: string;
    try {
      [tmp] = await this.writeTemp(async (fh) => {
        await fh.writeFile(body);
        return body.byteLength;
      });
    } catch (err) {
      this.wrap(err, key);
    }
    return this.linkTemp(tmp, path, key);
  }

  /** Reads generation n (0: the plain file at `key`), or undefined when it does not exist. */
  private async readGen(key: string, dir: string, n: number): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(n === 0 ? this.path(key) : join(dir, genName(n))));
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
      this.wrap(err, key);
    }
    if (n === 0) return bytes;
    const nl = bytes.indexOf(10);
    if (nl < 0)
      throw new StorageUnavailableError(
        this.location,
        `generation file ${n} of ${JSON.stringify(key)} has no header`,
      );
    return bytes.subarray(nl + 1);
  }

  private async exists(path: string, key: string): Promise<boolean> {
    try {
      await stat(path);
      return true;
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return false;
      this.wrap(err, key);
    }
  }

  /**
   * The current value of a swapped object: its highest generation. Undefined when the object has
   * no log (never swapped: its value is the plain file), "absent" when it has a log but no value.
   * Starts at the hint (a lower bound that may lag), walks up while generation x + 1 exists, and
   * accepts x only if x's epoch was not pruned meanwhile; a pruned generation means "jump to the
   * lowest unpruned epoch". Each step reads one name, so the answer was the highest generation at
   * an instant during the call (readers never see the value move backwards).
   */
  private async readCas(key: string): Promise<CasState | 'absent' | undefined> {
    const dir = this.casDir(key);
    // The generation this driver last saw is a lower bound like the hint, usually an exact one: start
    // there, skipping the hint's read and its lag. "Absent" from there may only mean that the log was
    // deleted (and perhaps re-created) since, which the hint tells apart: then start over from it.
    const seen = this.seenGen.get(dir);
    if (seen !== undefined) {
      const state = await this.walkLog(key, dir, seen);
      if (state !== 'absent') return this.noteGen(dir, state);
      this.seenGen.delete(dir);
    }
    let x: number;
    try {
      x = Number((await readFile(join(dir, HINT), 'utf8')).trim());
    } catch (err) {
      if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
      this.wrap(err, key);
    }
    if (!Number.isSafeInteger(x) || x < 0) x = 0;
    return this.noteGen(dir, await this.walkLog(key, dir, x));
  }

  private noteGen(dir: string, state: CasState | 'absent'): CasState | 'absent' {
    if (state === 'absent') this.seenGen.delete(dir);
    else bounded(this.seenGen).set(dir, state.gen);
    return state;
  }

  /** The highest generation, walking up from the lower bound `from` (see readCas). */
  private async walkLog(key: string, dir: string, from: number): Promise<CasState | 'absent'> {
    let x = from;
    const pruned = (e: number) => this.exists(join(dir, markerName(e)), key);
    const jump = async (below: number) => {
      let e = Math.floor(below / EPOCH) + 1;
      while (await pruned(e)) e++;
      return e * EPOCH;
    };
    for (;;) {
      let body = await this.readGen(key, dir, x);
      if (body === undefined) {
        if (await pruned(Math.floor(x / EPOCH))) {
          x = await jump(x);
          continue;
        }
        return 'absent';
      }
      for (;;) {
        const next = await this.readGen(key, dir, x + 1);
        if (next === undefined) break;
        x++;
        body = next;
      }
      if (await pruned(Math.floor(x / EPOCH))) {
        x = await jump(x);
        continue;
      }
      return { gen: x, body };
    }
  }

  /**
   * After linking generation n with `token`: true unless n lies in an epoch pruned before the link,
   * where the name was free only because the real generation n had been deleted. The pruner writes
   * the tokens of the generations it deleted into the epoch's marker before deleting any, so a
   * writer whose own token is listed was genuine (it only slept through the pruning).
   */
  private async fenced(dir: string, n: number, token: string): Promise<boolean> {
    const e = Math.floor(n / EPOCH);
    let marker: { tokens?: Record<string, string> };
    try {
      marker = JSON.parse(await readFile(join(dir, markerName(e)), 'utf8'));
    } catch (err) {
      if (code(err) === 'ENOENT') return true;
      throw err;
    }
    return marker.tokens?.[String(n)] === token;
  }

  /** Rewrites the plain copy and the hint, repairs a copy a slower writer overwrote, prunes. */
  private async afterSwap(
    key: string,
    target: string,
    dir: string,
    n: number,
    body: Uint8Array,
  ): Promise<void> {
    // Neither the copy nor the hint is needed to recover the value (the log is), so neither is
    // fsynced; the hint is only a lower bound for readers, refreshed every HINT_EVERY generations.
    await this.replaceFile(target, body, false);
    if (n % HINT_EVERY === 0)
      await this.replaceFile(join(dir, HINT), new TextEncoder().encode(String(n)), false);
    // A writer that slept between its link and its copy may just have put an older value at `key`.
    if (await this.exists(join(dir, genName(n + 1)), key)) {
      const now = await this.readCas(key);
      if (now && now !== 'absent') await this.replaceFile(target, now.body, false);
    }
    if (n % EPOCH === 0) await this.prune(key, dir, n / EPOCH - 2);
  }

  private async replaceFile(target: string, body: Uint8Array, durable: boolean): Promise<void> {
    const [tmp] = await this.writeTemp(async (fh) => {
      await fh.writeFile(body);
      return body.byteLength;
    }, durable);
    try {
      await rename(tmp, target);
      if (durable) await syncDir(dirname(target));
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw err;
    }
  }

  /**
   * Prunes every unpruned epoch up to `upTo`, lowest first (a reader relies on "epoch e pruned"
   * implying "every epoch below e pruned"). Only called once generation (upTo + 2) × epoch exists,
   * so every generation of a pruned epoch had been written and the highest is never touched.
   */
  private async prune(key: string, dir: string, upTo: number): Promise<void> {
    if (upTo < 0) return;
    let e = upTo;
    while (e > 0 && !(await this.exists(join(dir, markerName(e - 1)), key))) e--;
    for (; e <= upTo; e++) {
      const first = Math.max(1, e * EPOCH);
      const last = (e + 1) * EPOCH - 1;
      const tokens: Record<string, string> = {};
      for (let g = first; g <= last; g++) {
        const head = await readFile(join(dir, genName(g)), 'utf8').catch(() => undefined);
        if (head === undefined) continue;
        try {
          tokens[String(g)] = JSON.parse(head.slice(0, head.indexOf('\n'))).token;
        } catch {}
      }
      // The marker is written (create-only) before any deletion; a second pruner's marker loses.
      const marker = new TextEncoder().encode(JSON.stringify({ epoch: e, tokens }));
      await this.createOnlyFile(join(dir, markerName(e)), marker, key);
      for (let g = first; g <= last; g++) await unlink(join(dir, genName(g))).catch(() => {});
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
            // As on S3, a prefix exists only while a key is below it: an empty directory (a writer
            // killed between its mkdir and its link) is not one, or gc would judge a version with
            // nothing in it, and no age to go by, as abandoned.
            if (!(await this.holdsEntries(item.key))) continue;
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

  private async holdsEntries(dirKey: string): Promise<boolean> {
    const names = await readdir(join(this.root, ...dirKey.split('/').filter(Boolean))).catch(() => []);
    return names.some((n) => !n.startsWith('.'));
  }

  async delete(key: string): Promise<void> {
    const p = this.path(key);
    // A swapped object's log goes first, so what remains is at most a plain file (then removed).
    this.seenGen.delete(this.casDir(key));
    await rm(this.casDir(key), { recursive: true, force: true }).catch((err) => this.wrap(err, key));
    try {
      await unlink(p);
    } catch (err) {
      if (code(err) === 'ENOENT') return;
      this.wrap(err, key);
    }
    // Tidy empty parents so deleted models leave no empty directories (races are harmless: see linkTemp).
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
    for (const dir of [TMP_DIR, LEGACY_LOCK_DIR]) {
      const names = await readdir(join(this.root, dir)).catch(() => [] as string[]);
      for (const name of names) {
        const p = join(this.root, dir, name);
        const s = await stat(p).catch(() => undefined);
        if (!s || Date.now() - s.mtimeMs < olderThanMs) continue;
        found.push(`${dir}/${name}`);
        if (!dryRun) await unlink(p).catch(() => {});
      }
    }
    await this.reclaimCasDebris(join(this.root, CAS_DIR), CAS_DIR, olderThanMs, dryRun, found);
    return found;
  }

  /**
   * Generation files inside pruned epochs: left by a writer that linked a generation after its
   * epoch was pruned (its swap failed, see fenced()), or by a pruner that died while deleting.
   */
  private async reclaimCasDebris(
    dir: string,
    rel: string,
    olderThanMs: number,
    dryRun: boolean,
    found: string[],
  ): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      if (e.isDirectory()) {
        await this.reclaimCasDebris(join(dir, e.name), `${rel}/${e.name}`, olderThanMs, dryRun, found);
        continue;
      }
      if (!GEN_RE.test(e.name) || !names.has(markerName(Math.floor(Number(e.name) / EPOCH)))) continue;
      const p = join(dir, e.name);
      const s = await stat(p).catch(() => undefined);
      if (!s || Date.now() - s.mtimeMs < olderThanMs) continue;
      found.push(`${rel}/${e.name}`);
      if (!dryRun) await unlink(p).catch(() => {});
    }
  }
}

/** A memo at its size limit starts over: it only saves round trips, so forgetting is always safe. */
function bounded<T extends { size: number; clear(): void }>(memo: T): T {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  return memo;
}

/**
 * After a link: the directory's fsync and the temp name's unlink at once (one metadata round trip
 * instead of two on a shared filesystem). The unlink only drops the second name of the same inode,
 * so it neither waits for nor weakens the fsync; a temp name left by a failed unlink is gc debris.
 */
async function syncAndDropTemp(dir: string, tmp: string): Promise<void> {
  await Promise.all([syncDir(dir), unlink(tmp).catch(() => {})]);
}

/** fsync a directory so a new link survives a crash of the machine, not just of the process. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  await fh.sync().catch(() => {});
  await fh.close().catch(() => {});
}
