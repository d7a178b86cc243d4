// Access to the real S3 server the integration suites run against (Ceph RGW from
// scripts/ceph-dev.sh, or any S3 endpoint). Without MODELSHELF_TEST_S3_ENDPOINT the suites skip
// loudly on a laptop, and fail under CI=true, where the service must exist.
import { randomBytes } from 'node:crypto';
import { CEPH_UP, skipUnless, unsetEnv } from '../../../../test/support/skips.ts';
import { parseS3Uri } from '../../src/drivers/s3/uri.ts';
import { S3Driver, type S3DriverOptions } from '../../src/drivers/s3.ts';

export interface S3TestEnv {
  endpoint: string;
  bucket: string;
}

export function s3TestEnv(): S3TestEnv | undefined {
  const endpoint = process.env.MODELSHELF_TEST_S3_ENDPOINT;
  const bucket = process.env.MODELSHELF_TEST_S3_BUCKET;
  return endpoint && bucket ? { endpoint, bucket } : undefined;
}

/**
 * True when the S3 service is configured. Otherwise warns (naming the suite) and, under CI,
 * registers a failing test so the missing service cannot go unnoticed.
 */
export function haveS3(suite: string): boolean {
  return skipUnless({
    suite,
    missing: unsetEnv(['MODELSHELF_TEST_S3_ENDPOINT', 'MODELSHELF_TEST_S3_BUCKET']),
    enable: CEPH_UP,
  });
}

/** A fresh random prefix in the test bucket, so runs never see each other's keys. */
export function testUri(label: string): string {
  const env = s3TestEnv()!;
  const prefix = `test-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  return `s3://${env.bucket}/${prefix}?endpoint=${encodeURIComponent(env.endpoint)}`;
}

export function testDriver(uri: string, options: S3DriverOptions = {}): S3Driver {
  return new S3Driver(parseS3Uri(uri), options);
}

/** Deletes every key below the driver's prefix, including hidden driver keys (claims). */
export async function removeAll(driver: S3Driver): Promise<void> {
  const { DeleteObjectsCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');
  const prefix = `${driver.location.slice(`s3://${driver.bucket}/`.length)}/`;
  let token: string | undefined;
  do {
    const page = await driver.client.send(
      new ListObjectsV2Command({ Bucket: driver.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length) {
      await driver.client.send(
        new DeleteObjectsCommand({ Bucket: driver.bucket, Delete: { Objects: keys } }),
      );
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  await driver.reclaimDebris(0, false);
}

/** Counts HTTP requests the driver's client sends (every attempt, retries included). */
export function countRequests(driver: S3Driver): { readonly count: number; reset(): void } {
  let count = 0;
  driver.client.middlewareStack.add(
    (next) => async (args) => {
      count++;
      return next(args);
    },
    { step: 'deserialize', name: `countRequests-${randomBytes(4).toString('hex')}` },
  );
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
  };
}

/** Keys of the incomplete multipart uploads below the driver's prefix (for suites outside this package). */
export async function pendingUploads(driver: S3Driver): Promise<string[]> {
  const { ListMultipartUploadsCommand } = await import('@aws-sdk/client-s3');
  const prefix = `${driver.location.slice(`s3://${driver.bucket}/`.length)}/`;
  const page = await driver.client.send(
    new ListMultipartUploadsCommand({ Bucket: driver.bucket, Prefix: prefix }),
  );
  return (page.Uploads ?? []).map((u) => u.Key!.slice(prefix.length));
}
