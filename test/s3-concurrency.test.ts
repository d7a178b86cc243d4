// No lost updates on a real S3 server (Ceph RGW): 8 OS processes publish the same model at the
// same instant; each gets its own version, all versions are committed and verify, and the head
// ends at the highest of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Driver } from '../packages/registry/src/drivers/s3.ts';
import { openStore, type Store } from '../packages/registry/src/store.ts';
import { haveS3, removeAll, testUri } from '../packages/registry/test/s3/env.ts';
import { killWorkers, resultOf, startWorker } from '../packages/registry/test/s3/spawn.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/LinearRegression_0';
const PROCESSES = 8;

describe.runIf(haveS3('S3 concurrent publishers'))('S3 concurrent publishers', () => {
  describe('S3: concurrent publishers in separate processes', () => {
    let uri: string;
    let store: Store;
    beforeAll(async () => {
      uri = testUri('concurrency');
      store = await openStore(uri, { create: true });
    });
    afterAll(async () => {
      killWorkers();
      await removeAll(store.driver as S3Driver);
      await store.close();
    });

    it(`${PROCESSES} processes publishing one model get distinct, committed versions`, async () => {
      const workers = Array.from({ length: PROCESSES }, () => startWorker('publish', [uri, MODEL, 'race']));
      // Every process has loaded the SDK and opened the store before any publishes.
      await Promise.all(workers.map((w) => w.waitFor(/^ready$/, 90_000)));
      for (const w of workers) w.child.stdin!.write('go\n');
      const results = await Promise.all(
        workers.map((w) => resultOf<{ version: number; digest: string; pid: number }>(w, 90_000)),
      );
      for (const w of workers) expect(await w.exited).toBe(0);

      const versions = results.map((r) => r.version).sort((a, b) => a - b);
      expect(new Set(versions).size).toBe(PROCESSES);
      const listed = await store.listVersions(MODEL);
      expect(listed.map((v) => v.manifest.version)).toEqual(versions);
      // Each version holds what its own publisher wrote.
      for (const r of results) {
        const rec = await store.readVersion(MODEL, r.version);
        expect(rec.manifest.metadata).toEqual({ pid: r.pid });
        expect(rec.digest).toBe(r.digest);
      }
      expect((await store.head(MODEL))?.latest).toBe(versions.at(-1));
      const reports = await store.verifyAll();
      expect(reports).toHaveLength(PROCESSES);
      expect(reports.every((r) => r.ok)).toBe(true);
    }, 180_000);
  });
});
