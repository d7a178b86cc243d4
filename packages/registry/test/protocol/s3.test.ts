// The process-level protocol suite on S3 (Ceph RGW). Each crash-test publish streams a file larger
// than one part, so kills land in the middle of multipart uploads.
import { describe } from 'vitest';
import type { S3Driver } from '../../src/drivers/s3.ts';
import { openStore } from '../../src/store.ts';
import { haveS3, pendingUploads, removeAll, testUri } from '../s3/env.ts';
import { describeProtocol } from './protocol-suite.ts';

describe.runIf(haveS3('protocol suite on S3'))('S3', () => {
  describeProtocol({
    name: 'S3 (Ceph RGW)',
    async makeStore() {
      const uri = testUri('proto');
      return {
        uri,
        workerUri: () => uri,
        async cleanup() {
          const store = await openStore(uri).catch(() => undefined);
          if (!store) return;
          await removeAll(store.driver as S3Driver);
          await store.close();
        },
      };
    },
    async countDebris(s) {
      const store = await openStore(s.uri);
      try {
        return (await pendingUploads(store.driver as S3Driver)).length;
      } finally {
        await store.close();
      }
    },
    blobBytes: 10 * 1024 * 1024,
    maxKillDelayMs: 900,
    parallel: 4,
  });
});
