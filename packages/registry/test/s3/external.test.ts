// Large models by reference: a version records an external s3:// object (URL, SHA-256, size)
// instead of uploading it, and the fetch helper streams it back verifying size and digest.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { downloadExternalVerified, openExternalVerified } from '../../src/drivers/s3/external.ts';
import type { S3Driver } from '../../src/drivers/s3.ts';
import { IntegrityError, InvalidArgumentError, NotFoundError } from '../../src/errors.ts';
import { openStoreWithDriver } from '../../src/store.ts';
import { haveS3, removeAll, s3TestEnv, testDriver, testUri } from './env.ts';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe.runIf(haveS3('registry: S3 external objects'))('S3 external objects', () => {
  describe('S3: external objects referenced from a manifest', () => {
    let d: S3Driver;
    let dir: string;
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const sha256 = createHash('sha256').update(data).digest('hex');
    let url: string;
    beforeAll(async () => {
      // The helper uses the standard AWS configuration, like any S3 client.
      vi.stubEnv('AWS_ENDPOINT_URL', s3TestEnv()!.endpoint);
      d = testDriver(testUri('external'));
      await d.putCreateOnly('blobs/huge-model.bin', data);
      url = `${d.location}/blobs/huge-model.bin`;
      dir = await mkdtemp(join(tmpdir(), 'modelshelf-ext-'));
    });
    afterAll(async () => {
      vi.unstubAllEnvs();
      await removeAll(d);
      await d.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('a version records the reference, and the helper streams the verified bytes', async () => {
      const store = await openStoreWithDriver(d, { create: true });
      const pub = await store.publish({
        model: 'big/by-reference',
        files: [{ path: 'model.bin', external: { url, sha256, size: data.length } }],
      });
      const entry = pub.manifest.files[0]!;
      expect(entry).toMatchObject({ url, sha256, size: data.length });
      const bytes = await collect(
        await openExternalVerified({ url: entry.url!, sha256: entry.sha256, size: entry.size }),
      );
      expect(bytes.equals(data)).toBe(true);
      await downloadExternalVerified({ url, sha256, size: data.length }, join(dir, 'model.bin'));
      expect((await readFile(join(dir, 'model.bin'))).equals(data)).toBe(true);
    });

    it('a digest or size mismatch fails with IntegrityError and leaves no file behind', async () => {
      const wrong = { url, sha256: '0'.repeat(64), size: data.length };
      await expect(collect(await openExternalVerified(wrong))).rejects.toBeInstanceOf(IntegrityError);
      await expect(
        collect(await openExternalVerified({ url, sha256, size: data.length - 1 })),
      ).rejects.toThrow(/larger than/);
      await expect(downloadExternalVerified(wrong, join(dir, 'bad.bin'))).rejects.toBeInstanceOf(
        IntegrityError,
      );
      expect((await readdir(dir)).filter((f) => f.startsWith('bad.bin'))).toEqual([]);
    });

    it('a missing object or a non-S3 URL is a clear error', async () => {
      await expect(openExternalVerified({ url: `${url}.missing`, sha256, size: 1 })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(
        openExternalVerified({ url: 'https://example.com/m.bin', sha256, size: 1 }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    });
  });
});
