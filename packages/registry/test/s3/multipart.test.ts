// Create-only for objects larger than one part. Ceph RGW 16 ignores If-None-Match on
// CompleteMultipartUpload, so exclusivity comes from a create-only claim (src/drivers/s3/multipart.ts).
// These tests race real multipart uploads and check what an abandoned upload leaves behind.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Driver } from '../../src/drivers/s3.ts';
import { AlreadyExistsError } from '../../src/errors.ts';
import { haveS3, removeAll, testDriver, testUri } from './env.ts';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const chunked = (data: Buffer) =>
  Readable.from(
    (function* () {
      for (let off = 0; off < data.length; off += MiB) yield data.subarray(off, off + MiB);
    })(),
  );
async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe.runIf(haveS3('registry: S3 multipart create-only'))('S3 multipart create-only', () => {
  describe('S3 driver: multipart create-only', () => {
    let d: S3Driver;
    let prefix: string;
    beforeAll(() => {
      d = testDriver(testUri('multipart'), { partSize: 5 * MiB, queueSize: 4 });
      prefix = d.location.slice(`s3://${d.bucket}/`.length);
    });
    afterAll(async () => {
      await removeAll(d);
      await d.close();
    });

    it('exactly one of several concurrent multipart writers of one key wins, and its bytes are stored', async () => {
      for (let round = 0; round < 3; round++) {
        const key = `race/${round}/weights.bin`;
        const payloads = Array.from({ length: 4 }, () => randomBytes(12 * MiB));
        const results = await Promise.allSettled(payloads.map((p) => d.putStreamCreateOnly(key, chunked(p))));
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        for (const r of results)
          if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AlreadyExistsError);
        expect(sha(await collect(await d.getStream(key)))).toBe(sha(payloads[winners[0]!]!));
      }
    });

    it('a multipart write onto an existing object fails and keeps the old bytes', async () => {
      const old = randomBytes(6 * MiB);
      await d.putStreamCreateOnly('taken/big.bin', chunked(old));
      await expect(
        d.putStreamCreateOnly('taken/big.bin', chunked(randomBytes(11 * MiB))),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(sha(await collect(await d.getStream('taken/big.bin')))).toBe(sha(old));
      // The loser released its claim: once the key is deleted it can be written again.
      await d.delete('taken/big.bin');
      await d.putStreamCreateOnly('taken/big.bin', chunked(randomBytes(7 * MiB)));
    });

    it('an abandoned upload is invisible, blocks its key, and is reclaimed only after the grace period', async () => {
      // What a writer killed mid-upload leaves: its claim and an incomplete multipart upload.
      const key = 'crashed/model.bin';
      await d.client.send(
        new PutObjectCommand({ Bucket: d.bucket, Key: `${prefix}/.modelshelf/claims/${key}`, Body: '{}' }),
      );
      const mpu = await d.client.send(
        new CreateMultipartUploadCommand({ Bucket: d.bucket, Key: `${prefix}/${key}` }),
      );
      await d.client.send(
        new UploadPartCommand({
          Bucket: d.bucket,
          Key: `${prefix}/${key}`,
          UploadId: mpu.UploadId,
          PartNumber: 1,
          Body: randomBytes(5 * MiB),
        }),
      );
      expect(await d.stat(key)).toBeUndefined();
      const listed = await d.list('');
      expect(listed.objects.map((o) => o.key)).not.toContain(key);
      expect(listed.objects.some((o) => o.key.includes('.modelshelf'))).toBe(false);
      expect((await d.list('', { delimiter: '/' })).prefixes).not.toContain('.modelshelf/');
      await expect(d.putStreamCreateOnly(key, chunked(randomBytes(6 * MiB)))).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );

      expect(await d.reclaimDebris(3_600_000, false)).toEqual([]);
      const found = await d.reclaimDebris(0, true);
      expect(found).toEqual([
        expect.stringContaining(`incomplete multipart upload of ${key}`),
        `stale upload claim .modelshelf/claims/${key}`,
      ]);
      expect(await d.reclaimDebris(0, false)).toEqual(found);
      const uploads = await d.client.send(
        new ListMultipartUploadsCommand({ Bucket: d.bucket, Prefix: `${prefix}/` }),
      );
      expect(uploads.Uploads ?? []).toEqual([]);
      const data = randomBytes(6 * MiB);
      await d.putStreamCreateOnly(key, chunked(data));
      expect(sha(await collect(await d.getStream(key)))).toBe(sha(data));
    });
  });
});
