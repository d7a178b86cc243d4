// The process-level protocol suite on the local disk.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeProtocol } from './protocol-suite.ts';

describeProtocol({
  name: 'fs (local disk)',
  async makeStore() {
    const dir = await mkdtemp(join(tmpdir(), 'modelshelf-proto-'));
    return { uri: dir, workerUri: () => dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
  // Temp files under .tmp/ are bytes a killed writer never linked into place.
  countDebris: async (s) => (await readdir(join(s.uri, '.tmp')).catch(() => [])).length,
  blobBytes: 2 * 1024 * 1024,
  maxKillDelayMs: 120,
  parallel: 4,
});
