// S3 driver: AWS S3 and S3-compatible servers (MinIO, Ceph RGW, COS), selected by `s3://bucket/prefix`.
//
//   get / stat / getStream      GetObject / HeadObject; bodies of big files stream, never buffered
//   getIfChanged                GetObject with If-None-Match: one request, 304 → "unchanged"
//   putCreateOnly               PutObject with If-None-Match: * (412/409 → AlreadyExistsError)
//   putIfMatch                  PutObject with If-Match, coping with RGW's quoting quirk (s3/etag.ts)
//   putStreamCreateOnly         up to one part: one create-only PutObject; larger: parallel multipart
//                               upload guarded by a create-only claim (s3/multipart.ts)
//   list                        ListObjectsV2 (Prefix, Delimiter, MaxKeys, ContinuationToken)
//   reclaimDebris               aborts incomplete multipart uploads and drops stale claims
//
// Configuration is the standard AWS one (credential chain, profiles, AWS_REGION,
// AWS_ENDPOINT_URL[_S3]) plus optional URI options `?endpoint=…&pathStyle=true&region=…`
// (s3/uri.ts). Path-style addressing is used whenever a custom endpoint is set. `location` is
// `s3://bucket/prefix` only: no endpoint, no credentials; errors are credential-free (s3/errors.ts).
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AlreadyExistsError, InvalidArgumentError, PreconditionFailedError } from '../errors.ts';
import type {
  ListOptions,
  ListPage,
  ObjectInfo,
  PutResult,
  PutStreamOptions,
  StorageDriver,
  StoredObject,
} from './driver.ts';
import { createS3Client, type S3ClientOptions } from './s3/client.ts';
import { errorName, httpStatus, toStorageError } from './s3/errors.ts';
import { bareEtag, type IfMatchDialect, ifMatchValue, quotedEtag } from './s3/etag.ts';
import { CLAIMS_DIR, uploadMultipartCreateOnly } from './s3/multipart.ts';
import { formatLocation, parseS3Uri, type S3Location } from './s3/uri.ts';

export interface S3DriverOptions extends S3ClientOptions {
  /** Multipart part size in bytes (min 5 MiB). Streams up to this size go in one PutObject. Default 8 MiB. */
  partSize?: number;
  /** Parts uploaded in parallel per stream. Default 4 (memory ≈ (queueSize + 1) × partSize). */
  queueSize?: number;
}

const DEFAULT_PAGE = 1000;
const MIN_PART = 5 * 1024 * 1024;

/** Opens the driver for `s3://bucket/prefix[?endpoint=…&pathStyle=…&region=…]`. */
export function s3DriverFromUri(uri: string, options: S3DriverOptions = {}): S3Driver {
  return new S3Driver(parseS3Uri(uri), options);
}

export class S3Driver implements StorageDriver {
  readonly kind = 's3';
  /** ListObjectsV2 returns each object's ETag, the same one GetObject returns. */
  readonly listReturnsEtags = true;
  readonly location: string;
  /** The SDK client, exposed so callers can add middleware (e.g. request counting). */
  readonly client: S3Client;
  readonly bucket: string;
  /** "" or "<prefix>/": prepended to every key. */
  private readonly root: string;
  private readonly endpoint: string;
  private readonly partSize: number;
  private readonly queueSize: number;
  private ifMatchDialect: IfMatchDialect = 'quoted';

  constructor(loc: S3Location, options: S3DriverOptions = {}) {
    this.bucket = loc.bucket;
    this.root = loc.prefix ? `${loc.prefix}/` : '';
    this.location = formatLocation(loc.bucket, loc.prefix);
    const { client, endpointLabel } = createS3Client(loc, options);
    this.client = client;
    this.endpoint = endpointLabel;
    this.partSize = Math.max(MIN_PART, options.partSize ?? 8 * 1024 * 1024);
    this.queueSize = Math.max(1, options.queueSize ?? 4);
  }

  /** Maps a driver key to the object key, with the filesystem driver's rules for what a key may be. */
  private objectKey(key: string): string {
    if (typeof key !== 'string' || key.length === 0 || key.startsWith('/') || /[\0\\]/.test(key)) {
      throw new InvalidArgumentError(`storage key ${JSON.stringify(key)} is not a relative path`);
    }
    for (const s of key.split('/')) {
      if (s === '' || s.startsWith('.')) {
        throw new InvalidArgumentError(
          `storage key ${JSON.stringify(key)} has a forbidden segment ${JSON.stringify(s)}`,
        );
      }
    }
    return this.root + key;
  }

  /** Runs one SDK call, translating its failures into typed, credential-free errors. */
  private async call<T>(key: string | undefined, write: boolean, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.fail(err, key, write);
    }
  }

  private fail(err: unknown, key: string | undefined, write: boolean): never {
    throw toStorageError(err, {
      location: this.location,
      endpoint: this.endpoint,
      bucket: this.bucket,
      key,
      write,
    });
  }

  async get(key: string): Promise<StoredObject> {
    const res = await this.call(key, false, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })),
    );
    const body = await this.call(key, false, () => res.Body!.transformToByteArray());
    return { body, etag: bareEtag(res.ETag) ?? '' };
  }

  async getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | 'unchanged'> {
    if (etag === undefined) return this.get(key);
    const objectKey = this.objectKey(key);
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: objectKey, IfNoneMatch: quotedEtag(etag) }),
      );
      const body = await this.call(key, false, () => res.Body!.transformToByteArray());
      return { body, etag: bareEtag(res.ETag) ?? '' };
    } catch (err) {
      if (httpStatus(err) === 304) return 'unchanged';
      this.fail(err, key, false);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    const objectKey = this.objectKey(key);
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return {
        key,
        size: res.ContentLength ?? 0,
        etag: bareEtag(res.ETag),
        modifiedAt: res.LastModified?.getTime() ?? 0,
      };
    } catch (err) {
      // A HEAD answer has no body: 404 cannot tell a missing key from a missing bucket.
      if (httpStatus(err) === 404) return undefined;
      this.fail(err, key, false);
    }
  }

  async putCreateOnly(key: string, body: Uint8Array): Promise<PutResult> {
    const objectKey = this.objectKey(key);
    // AWS answers 409 ConditionalRequestConflict while a competing conditional write is in
    // flight; the retry then gets a definite answer (412 once the competitor has won).
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: body, IfNoneMatch: '*' }),
        );
        return { etag: bareEtag(res.ETag) ?? '', size: body.byteLength };
      } catch (err) {
        const status = httpStatus(err);
        if (status === 412 || (status === 409 && attempt >= 3)) throw new AlreadyExistsError(key);
        if (status === 409) continue;
        this.fail(err, key, true);
      }
    }
  }

  async putIfMatch(key: string, body: Uint8Array, etag: string): Promise<PutResult> {
    const objectKey = this.objectKey(key);
    const attempt = (dialect: IfMatchDialect) =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: body,
          IfMatch: ifMatchValue(etag, dialect),
        }),
      );
    const dialect = this.ifMatchDialect;
    try {
      const res = await attempt(dialect);
      return { etag: bareEtag(res.ETag) ?? '', size: body.byteLength };
    } catch (err) {
      if (httpStatus(err) !== 412) this.fail(err, key, true);
      if (dialect === 'unquoted') throw new PreconditionFailedError(key);
    }
    // 412 to the standard quoted form: a real conflict, or a server that refuses quoted tags
    // (RGW 16). Only a current etag equal to ours proves the latter (see s3/etag.ts).
    const current = await this.stat(key);
    if (current?.etag !== bareEtag(etag)) throw new PreconditionFailedError(key);
    try {
      const res = await attempt('unquoted');
      this.ifMatchDialect = 'unquoted';
      return { etag: bareEtag(res.ETag) ?? '', size: body.byteLength };
    } catch (err) {
      if (httpStatus(err) === 412) throw new PreconditionFailedError(key);
      this.fail(err, key, true);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    if (prefix !== '') this.objectKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
    const pageSize = Math.max(1, Math.min(1000, options.pageSize ?? DEFAULT_PAGE));
    const res = await this.call(prefix, false, () =>
      this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.root + prefix,
          Delimiter: options.delimiter,
          MaxKeys: pageSize,
          ContinuationToken: options.cursor,
        }),
      ),
    );
    const strip = (k: string) => k.slice(this.root.length);
    const objects: ObjectInfo[] = [];
    for (const o of res.Contents ?? []) {
      const key = strip(o.Key ?? '');
      if (isHidden(key)) continue;
      objects.push({
        key,
        size: o.Size ?? 0,
        etag: bareEtag(o.ETag),
        modifiedAt: o.LastModified?.getTime() ?? 0,
      });
    }
    const prefixes = (res.CommonPrefixes ?? [])
      .map((p) => strip(p.Prefix ?? ''))
      .filter((p) => p !== '' && !isHidden(p));
    return { objects, prefixes, cursor: res.IsTruncated ? res.NextContinuationToken : undefined };
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    await this.call(key, true, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey })),
    );
  }

  async getStream(key: string): Promise<Readable> {
    const objectKey = this.objectKey(key);
    const res = await this.call(key, false, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey })),
    );
    // In Node the SDK's body is the HTTP response itself: a Readable, consumed as it arrives.
    return res.Body as Readable;
  }

  async putStreamCreateOnly(key: string, body: Readable, options: PutStreamOptions = {}): Promise<PutResult> {
    const objectKey = this.objectKey(key);
    // Read at most one part ahead: a stream that ends within it is one create-only PutObject,
    // which every server enforces; only longer streams need the multipart path.
    const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    try {
      while (headBytes <= this.partSize) {
        const next = await it.next();
        if (next.done) {
          ended = true;
          break;
        }
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        head.push(chunk);
        headBytes += chunk.length;
      }
    } catch (err) {
      body.destroy();
      throw err;
    }
    if (ended) {
      const res = await this.putCreateOnly(key, Buffer.concat(head, headBytes));
      options.onProgress?.(headBytes);
      return res;
    }
    const rest = Readable.from(
      (async function* () {
        yield* head;
        for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
      })(),
      { objectMode: false },
    );
    return this.call(key, true, () =>
      uploadMultipartCreateOnly(
        {
          client: this.client,
          bucket: this.bucket,
          objectKey,
          claimKey: this.root + CLAIMS_DIR + key,
          key,
          partSize: this.partSize,
          queueSize: this.queueSize,
        },
        rest,
        options,
      ),
    );
  }

  async reclaimDebris(olderThanMs: number, dryRun: boolean): Promise<string[]> {
    const cutoff = Date.now() - olderThanMs;
    const found: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.call(undefined, false, () =>
        this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            Prefix: this.root,
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        ),
      );
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || (u.Initiated?.getTime() ?? 0) > cutoff) continue;
        found.push(
          `incomplete multipart upload of ${u.Key.slice(this.root.length)} (${u.Initiated?.toISOString()})`,
        );
        if (!dryRun) {
          try {
            await this.client.send(
              new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }),
            );
          } catch (err) {
            // Completed or aborted meanwhile: nothing left to reclaim.
            if (errorName(err) !== 'NoSuchUpload') this.fail(err, u.Key, true);
          }
        }
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);

    let cursor: string | undefined;
    do {
      const page = await this.call(undefined, false, () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.root + CLAIMS_DIR,
            ContinuationToken: cursor,
          }),
        ),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || (o.LastModified?.getTime() ?? 0) > cutoff) continue;
        found.push(`stale upload claim ${o.Key.slice(this.root.length)}`);
        if (!dryRun) {
          await this.call(o.Key, true, () =>
            this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: o.Key })),
          );
        }
      }
      cursor = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (cursor);
    return found;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

/** Keys with a dot-segment belong to the driver (claims), never to the registry. */
const isHidden = (key: string) => key.split('/').some((s) => s.startsWith('.'));
