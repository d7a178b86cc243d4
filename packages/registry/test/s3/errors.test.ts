// Misconfiguration must fail fast with a typed error that says what is wrong, and never leak
// credentials into messages, hints, causes, JSON or inspected output.
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  BucketNotFoundError,
  CredentialsRefusedError,
  EndpointUnreachableError,
} from '../../src/drivers/s3/errors.ts';
import { StorageUnavailableError } from '../../src/errors.ts';
import { openStoreWithDriver } from '../../src/store.ts';
import { haveS3, s3TestEnv, testDriver } from './env.ts';

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise((ok) => srv.close(ok));
  return port;
}

function expectNoSecrets(err: unknown, ...secrets: string[]) {
  const e = err as Error & { hint?: string };
  const surfaces = [e.message, e.hint ?? '', JSON.stringify(e), inspect(e, { depth: 10 }), String(e.stack)];
  for (const s of secrets) for (const text of surfaces) expect(text).not.toContain(s);
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err) => err,
  );
}

describe.runIf(haveS3('registry: S3 driver errors'))('S3 driver errors', () => {
  // vitest runs the body of a skipped describe too (to collect it), and a laptop has no S3 endpoint
  const env = s3TestEnv() ?? { endpoint: '', bucket: '' };
  const endpoint = encodeURIComponent(env.endpoint);

  describe('S3 driver: clear errors for misconfiguration', () => {
    it('a missing bucket is named, with a hint, on reads and when opening a store', async () => {
      const driver = testDriver(`s3://modelshelf-no-such-bucket-4711/p?endpoint=${endpoint}`);
      const err = await failure(driver.get('modelshelf.json'));
      expect(err).toBeInstanceOf(BucketNotFoundError);
      expect(err).toBeInstanceOf(StorageUnavailableError);
      expect((err as Error).message).toContain('"modelshelf-no-such-bucket-4711" does not exist');
      expect((err as BucketNotFoundError).hint).toContain('aws s3 mb s3://modelshelf-no-such-bucket-4711');
      await expect(driver.putCreateOnly('a.json', new Uint8Array(1))).rejects.toBeInstanceOf(
        BucketNotFoundError,
      );
      await expect(openStoreWithDriver(driver)).rejects.toBeInstanceOf(BucketNotFoundError);
      await driver.close();
    });

    it('an unknown access key is reported as refused credentials without printing them', async () => {
      const credentials = {
        accessKeyId: 'BOGUSKEYID0000000001',
        secretAccessKey: 'bogus-secret-that-must-not-leak',
      };
      const driver = testDriver(`s3://${env.bucket}/p?endpoint=${endpoint}`, { credentials });
      const err = await failure(driver.get('modelshelf.json'));
      expect(err).toBeInstanceOf(CredentialsRefusedError);
      expect((err as Error).message).toMatch(/credentials were refused .*InvalidAccessKeyId/);
      expectNoSecrets(err, credentials.accessKeyId, credentials.secretAccessKey);
      await driver.close();
    });

    it('a wrong secret for a real key is reported as refused credentials without printing them', async () => {
      const accessKeyId = process.env.AWS_ACCESS_KEY_ID ?? 'unset';
      const credentials = { accessKeyId, secretAccessKey: 'wrong-secret-that-must-not-leak-000000' };
      const driver = testDriver(`s3://${env.bucket}/p?endpoint=${endpoint}`, { credentials });
      const err = await failure(driver.putCreateOnly('x.json', new Uint8Array(1)));
      expect(err).toBeInstanceOf(CredentialsRefusedError);
      expect((err as Error).message).toContain('SignatureDoesNotMatch');
      expectNoSecrets(err, credentials.secretAccessKey, process.env.AWS_SECRET_ACCESS_KEY ?? 'unset');
      await driver.close();
    });

    it('an unreachable endpoint fails within seconds, naming the endpoint', async () => {
      const port = await closedPort();
      const driver = testDriver(`s3://${env.bucket}/p?endpoint=http://127.0.0.1:${port}`);
      const t0 = Date.now();
      const err = await failure(driver.get('modelshelf.json'));
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(err).toBeInstanceOf(EndpointUnreachableError);
      expect((err as Error).message).toContain(`http://127.0.0.1:${port}`);
      expect((err as Error).message).toContain('ECONNREFUSED');
      expect(driver.location).toBe(`s3://${env.bucket}/p`);
      await driver.close();
    });
  });
});
