// The process-level protocol suite on CephFS, with the workers split across two ceph-fuse mounts
// of one filesystem (two clients, as two machines sharing an NFS/CephFS directory would be).
import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe } from 'vitest';
import { requireEnv } from '../helpers/services.ts';
import { describeProtocol } from './protocol-suite.ts';

describe('CephFS', () => {
  const env = requireEnv('protocol suite on CephFS', [
    'MODELSHELF_TEST_CEPHFS_A',
    'MODELSHELF_TEST_CEPHFS_B',
  ]);
  if (!env) return;
  describeProtocol({
    name: 'CephFS (workers split across two ceph-fuse mounts)',
    async makeStore() {
      const name = `proto-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
      const a = join(env.MODELSHELF_TEST_CEPHFS_A!, name);
      const b = join(env.MODELSHELF_TEST_CEPHFS_B!, name);
      return {
        uri: a,
        workerUri: (i) => (i % 2 === 0 ? a : b),
        cleanup: () => rm(a, { recursive: true, force: true }),
      };
    },
    countDebris: async (s) => (await readdir(join(s.uri, '.tmp')).catch(() => [])).length,
    blobBytes: 2 * 1024 * 1024,
    maxKillDelayMs: 200,
    parallel: 4,
  });
});
