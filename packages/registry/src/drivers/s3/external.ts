// Large models by reference: a manifest file entry may carry `url: "s3://bucket/key"` with the
// object's SHA-256 and size instead of bytes in the store (PublishFile.external). These helpers
// fetch such an object as a stream and verify it on the fly, so a loader or `pull` can use it
// without holding it in memory. The stream fails with IntegrityError at its end (or as soon as it
// grows past the recorded size) when the bytes differ; `downloadExternalVerified` only renames
// the file into place once the digest checks out.
//
// The object is read with the same AWS configuration as the store (credential chain, AWS_REGION,
// AWS_ENDPOINT_URL[_S3], or `?endpoint=…` on the URL).
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { IntegrityError, InvalidArgumentError } from '../../errors.ts';
import { createS3Client, type S3ClientOptions } from './client.ts';
import { toStorageError } from './errors.ts';
import { formatLocation, parseS3Uri } from './uri.ts';

export interface ExternalObject {
  url: string;
  sha256: string;
  size: number;
}

/** Streams the object at `ref.url` (s3://bucket/key), checking its size and SHA-256 as it flows. */
export async function openExternalVerified(
  ref: ExternalObject,
  options: S3ClientOptions = {},
): Promise<Readable> {
  if (!/^s3:\/\//i.test(ref.url)) {
    throw new InvalidArgumentError(
      `unsupported external URL ${JSON.stringify(ref.url)}`,
      'external files are fetched from s3://bucket/key URLs',
    );
  }
  const loc = parseS3Uri(ref.url);
  if (!loc.prefix)
    throw new InvalidArgumentError(`external URL ${JSON.stringify(ref.url)} names no object key`);
  const { client, endpointLabel } = createS3Client(loc, options);
  const shown = formatLocation(loc.bucket, loc.prefix);
  let body: Readable;
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.prefix }));
    body = res.Body as Readable;
  } catch (err) {
    client.destroy();
    throw toStorageError(err, {
      location: shown,
      endpoint: endpointLabel,
      bucket: loc.bucket,
      key: loc.prefix,
      write: false,
    });
  }
  const hash = createHash('sha256');
  let size = 0;
  const mismatch = (what: string) => new IntegrityError(`external file ${shown} ${what}`, ref.url);
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > ref.size) return done(mismatch(`is larger than the ${ref.size} bytes recorded`));
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const digest = hash.digest('hex');
      if (size !== ref.size) return done(mismatch(`has ${size} bytes, the manifest says ${ref.size}`));
      if (digest !== ref.sha256)
        return done(mismatch(`has SHA-256 ${digest}, the manifest says ${ref.sha256}`));
      done();
    },
  });
  body.on('error', (err) => check.destroy(err));
  check.on('close', () => client.destroy());
  return body.pipe(check);
}

/** Downloads and verifies the object to `target`; nothing appears at `target` unless it verified. */
export async function downloadExternalVerified(
  ref: ExternalObject,
  target: string,
  options: S3ClientOptions = {},
): Promise<void> {
  const tmp = `${target}.partial-${randomBytes(6).toString('hex')}`;
  try {
    await pipeline(await openExternalVerified(ref, options), createWriteStream(tmp, { flags: 'wx' }));
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
}
