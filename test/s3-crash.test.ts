// Crash safety on a real S3 server (Ceph RGW): a publisher SIGKILLed in the middle of a multipart
// upload leaves no visible version, verify stays clean, and gc reclaims what it left behind
// (the version reservation, the incomplete multipart upload and the driver's upload claim).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Driver } from '../packages/registry/src/drivers/s3.ts';
import { ModelNotFoundError } from '../packages/registry/src/errors.ts';
import { openStore, type Store } from '../packages/registry/src/store.ts';
import { haveS3, pendingUploads, removeAll, testUri } from '../packages/registry/test/s3/env.ts';
import { killWorkers, resultOf, startWorker } from '../packages/registry/test/s3/spawn.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/LinearRegression_0';

describe.runIf(haveS3('S3 crash safety'))('S3 crash safety', () => {
  describe('S3: a publisher killed mid multipart upload', () => {
    let uri: string;
    let store: Store;
    let driver: S3Driver;
    beforeAll(async () => {
      uri = testUri('crash');
      store = await openStore(uri, { create: true });
      driver = store.driver as S3Driver;
    });
    afterAll(async () => {
      killWorkers();
      await removeAll(driver);
      await store.close();
    });

    it('leaves no visible version, verify stays clean, gc reclaims the debris, the next publish succeeds', async () => {
      const w = startWorker('publish', [uri, MODEL, 'big', '96']);
      // Parts are 8 MiB: once 16 MiB are stored the multipart upload is well under way.
      await w.waitFor(/^progress (1[6-9]|[2-9]\d)\d{6}/, 60_000).catch(async (err) => {
        w.child.kill('SIGKILL');
        throw err;
      });
      w.child.kill('SIGKILL');
      expect(await w.exited).toBe('SIGKILL');

      expect(await pendingUploads(driver), 'the kill happened during a multipart upload').toEqual([
        `models/${MODEL}/@versions/1/files/big.bin`,
      ]);

      // Nothing is visible to readers.
      await expect(store.resolve(MODEL)).rejects.toBeInstanceOf(ModelNotFoundError);
      expect((await store.listModels()).map((m) => m.model)).not.toContain(MODEL);
      expect(await driver.stat(`models/${MODEL}/@versions/1/files/big.bin`)).toBeUndefined();
      const reports = await store.verifyAll();
      expect(reports.flatMap((r) => r.problems)).toEqual([]);

      // gc within the grace period keeps everything; past it, it reclaims all of it.
      const early = await store.gc({ graceMs: 3_600_000 });
      expect(JSON.stringify(early)).not.toContain('multipart');
      const report = await store.gc({ graceMs: 0 });
      const text = JSON.stringify(report);
      expect(text).toContain('incomplete multipart upload');
      expect(text).toContain('stale upload claim');
      expect(await pendingUploads(driver)).toEqual([]);

      // A later publisher gets a working version (it may reuse the reclaimed number).
      const ok = startWorker('publish', [uri, MODEL, 'big', '20']);
      const r = await resultOf<{ version: number }>(ok, 120_000);
      expect(await ok.exited).toBe(0);
      const res = await store.resolve(MODEL);
      expect(res.version).toBe(r.version);
      expect((await store.verify(`${MODEL}@${r.version}`)).problems).toEqual([]);
    }, 240_000);
  });
});
