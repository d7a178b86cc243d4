// Create-only streaming upload of a large object through parallel multipart upload.
//
// S3 makes a multipart object visible only when CompleteMultipartUpload succeeds, so readers never
// see a partial object. Create-only is the hard part: AWS honours `If-None-Match: *` on the
// complete request, but Ceph RGW 16.2 ignores it there (measured: the complete silently replaces
// an existing object; CopyObject likewise ignores `If-None-Match`). So exclusivity comes from a
// *claim*: a small object `.modelshelf/claims/<key>` written create-only (PutObject with
// `If-None-Match: *`, which RGW honours) before any byte is uploaded.
//   1. claim (412 → someone else is writing or has written the key → AlreadyExistsError)
//   2. HEAD the key (present → it was written before we claimed → AlreadyExistsError)
//   3. upload the parts in parallel, complete (also with `If-None-Match: *`, enforced where supported)
//   4. delete the claim.
// Two writers can only both pass step 1 if the first deleted its claim, i.e. completed, so the
// second sees the object in step 2. A writer that dies leaves its claim and an incomplete upload;
// reclaimDebris removes both once they are older than the grace period (registry gc calls it).
// Claims live under a dot-segment, which no registry key can contain, and are hidden from list().
import { hostname } from 'node:os';
import type { Readable } from 'node:stream';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { AlreadyExistsError } from '../../errors.ts';
import type { PutResult, PutStreamOptions } from '../driver.ts';
import { httpStatus } from './errors.ts';
import { bareEtag } from './etag.ts';

export const CLAIMS_DIR = '.modelshelf/claims/';

export interface MultipartTarget {
  client: S3Client;
  bucket: string;
  /** Full object key (store prefix included). */
  objectKey: string;
  /** Full key of the claim object. */
  claimKey: string;
  /** Driver-relative key, for error messages. */
  key: string;
  partSize: number;
  queueSize: number;
}

const isConflict = (err: unknown) => httpStatus(err) === 412 || httpStatus(err) === 409;

export async function uploadMultipartCreateOnly(
  t: MultipartTarget,
  body: Readable,
  options: PutStreamOptions,
): Promise<PutResult> {
  const claim = JSON.stringify({ host: hostname(), pid: process.pid, at: new Date().toISOString() });
  try {
    await t.client.send(
      new PutObjectCommand({ Bucket: t.bucket, Key: t.claimKey, Body: claim, IfNoneMatch: '*' }),
    );
  } catch (err) {
    if (isConflict(err)) throw new AlreadyExistsError(t.key);
    throw err;
  }
  const releaseClaim = () =>
    t.client.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: t.claimKey })).then(
      () => {},
      () => {},
    );
  try {
    const existing = await t.client.send(new HeadObjectCommand({ Bucket: t.bucket, Key: t.objectKey })).then(
      () => true,
      (err) => {
        if (httpStatus(err) === 404) return false;
        throw err;
      },
    );
    if (existing) throw new AlreadyExistsError(t.key);

    let size = 0;
    body.on('data', (c: Buffer) => {
      size += c.length;
    });
    const upload = new Upload({
      client: t.client,
      params: {
        Bucket: t.bucket,
        Key: t.objectKey,
        Body: body,
        IfNoneMatch: '*',
      },
      partSize: t.partSize,
      queueSize: t.queueSize,
      leavePartsOnError: false,
    });
    upload.on('httpUploadProgress', (p) => {
      if (p.loaded !== undefined) options.onProgress?.(p.loaded);
    });
    let etag: string | undefined;
    try {
      etag = (await upload.done()).ETag;
    } catch (err) {
      if (isConflict(err)) throw new AlreadyExistsError(t.key);
      throw err;
    }
    return { etag: bareEtag(etag) ?? '', size };
  } finally {
    await releaseClaim();
  }
}
