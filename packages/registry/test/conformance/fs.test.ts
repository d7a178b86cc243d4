import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsDriver } from '../../src/drivers/fs.ts';
import { describeDriverConformance } from './driver-suite.ts';

describeDriverConformance('fs (local disk)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modelshelf-conf-'));
  return { driver: new FsDriver(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('fs driver: directories without keys', () => {
  it('lists no prefix for an empty directory (a writer killed between its mkdir and its link)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'modelshelf-conf-'));
    try {
      const driver = new FsDriver(dir);
      await driver.putCreateOnly('m/@versions/1/reservation.json', new Uint8Array([1]));
      await mkdir(join(dir, 'm', '@versions', '2'), { recursive: true });
      const page = await driver.list('m/@versions/', { delimiter: '/' });
      expect(page.prefixes).toEqual(['m/@versions/1/']);
      // The next writer can still link into the directory the killed one made.
      await driver.putCreateOnly('m/@versions/2/reservation.json', new Uint8Array([2]));
      expect((await driver.list('m/@versions/', { delimiter: '/' })).prefixes).toEqual([
        'm/@versions/1/',
        'm/@versions/2/',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
