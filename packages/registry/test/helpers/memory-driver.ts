// An in-memory storage driver that lists etags like S3 (`listReturnsEtags`), so the listing
// summary can be tested without a service. It passes the driver conformance suite
// (test/conformance/memory.test.ts); counted() counts its calls the way bench/propagation does.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  ListOptions,
  ListPage,
  ObjectInfo,
  PutResult,
  PutStreamOptions,
  StorageDriver,
  StoredObject,
} from '../../src/drivers/driver.ts';
import { AlreadyExistsError, NotFoundError, PreconditionFailedError } from '../../src/errors.ts';

interface Entry {
  body: Uint8Array;
  etag: string;
  modifiedAt: number;
}

const etagOf = (body: Uint8Array) => createHash('md5').update(body).digest('hex');

export class MemoryDriver implements StorageDriver {
  readonly kind = 'memory';
  readonly location = 'memory://test';
  readonly listReturnsEtags = true;
  readonly objects = new Map<string, Entry>();

  private entry(key: string): Entry {
    const e = this.objects.get(key);
    if (!e) throw new NotFoundError(key);
    return e;
  }

  private write(key: string, body: Uint8Array): PutResult {
    const copy = Uint8Array.from(body);
    const etag = etagOf(copy);
    this.objects.set(key, { body: copy, etag, modifiedAt: Date.now() });
    return { etag, size: copy.byteLength };
  }

  async get(key: string): Promise<StoredObject> {
    const e = this.entry(key);
    return { body: Uint8Array.from(e.body), etag: e.etag };
  }

  async getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | 'unchanged'> {
    const e = this.entry(key);
    return e.etag === etag ? 'unchanged' : { body: Uint8Array.from(e.body), etag: e.etag };
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const e = this.objects.get(key);
    return e && { key, size: e.body.byteLength, etag: e.etag, modifiedAt: e.modifiedAt };
  }

  async putCreateOnly(key: string, body: Uint8Array): Promise<PutResult> {
    if (this.objects.has(key)) throw new AlreadyExistsError(key);
    return this.write(key, body);
  }

  async putIfMatch(key: string, body: Uint8Array, etag: string): Promise<PutResult> {
    if (this.objects.get(key)?.etag !== etag) throw new PreconditionFailedError(key);
    return this.write(key, body);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    const pageSize = Math.max(1, Math.min(1000, options.pageSize ?? 1000));
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    // With a delimiter, keys below the next "/" collapse into one prefix, placed at its first key.
    const items: Array<{ key: string; prefix: boolean }> = [];
    for (const k of keys) {
      const slash = options.delimiter ? k.indexOf('/', prefix.length) : -1;
      if (slash < 0) items.push({ key: k, prefix: false });
      else {
        const p = k.slice(0, slash + 1);
        if (items.at(-1)?.key !== p) items.push({ key: p, prefix: true });
      }
    }
    const rest = items.filter((i) => options.cursor === undefined || i.key > options.cursor);
    const page = rest.slice(0, pageSize);
    return {
      objects: page.filter((i) => !i.prefix).map((i) => ({ ...this.info(i.key) })),
      prefixes: page.filter((i) => i.prefix).map((i) => i.key),
      cursor: rest.length > pageSize ? page.at(-1)!.key : undefined,
    };
  }

  private info(key: string): ObjectInfo {
    const e = this.entry(key);
    return { key, size: e.body.byteLength, etag: e.etag, modifiedAt: e.modifiedAt };
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async getStream(key: string): Promise<Readable> {
    return Readable.from([Buffer.from(this.entry(key).body)]);
  }

  async putStreamCreateOnly(key: string, body: Readable, options: PutStreamOptions = {}): Promise<PutResult> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const c of body) {
      chunks.push(Buffer.from(c as Buffer));
      bytes += (c as Buffer).length;
      options.onProgress?.(bytes);
    }
    return this.putCreateOnly(key, Buffer.concat(chunks));
  }
}

/** Counts every driver call (one call ≈ one storage request) by method. */
export function counted(driver: StorageDriver): { driver: StorageDriver; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(driver, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(prop)} ${String(args[0])}`);
        return value.apply(target, args);
      };
    },
  });
  return { driver: proxy, calls };
}
