// The listing summary against an in-memory driver that lists etags like S3 (no service needed),
// and the filesystem path, which keeps reading heads and writes no summary.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsDriver } from '../src/drivers/fs.ts';
import { INDEX_SUMMARY_KEY } from '../src/layout.ts';
import { openStoreWithDriver } from '../src/store.ts';
import { describeListingSummary } from './helpers/listing-suite.ts';
import { counted, MemoryDriver } from './helpers/memory-driver.ts';

describeListingSummary('in-memory driver with etags in its listing', async () => {
  const { driver, calls } = counted(new MemoryDriver());
  return { driver, requests: () => calls.length, cleanup: async () => {} };
});

describe('listing on a filesystem', () => {
  it('reads the heads and writes no summary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelshelf-listing-'));
    try {
      const { driver, calls } = counted(new FsDriver(dir));
      const store = await openStoreWithDriver(driver, { create: true });
      await store.publish({ model: 'a/b', files: [{ path: 'w.json', data: new Uint8Array([1]) }] });
      calls.length = 0;
      expect(await store.listModels()).toEqual([{ model: 'a/b', latest: 1, pin: null, aliases: {} }]);
      expect(calls.sort()).toEqual(['get models/a/b/@head.json', 'list index/']);
      expect(await driver.stat(INDEX_SUMMARY_KEY)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
