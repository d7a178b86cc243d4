import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsDriver } from '../../src/drivers/fs.ts';
import { describeDriverConformance } from './driver-suite.ts';

describeDriverConformance('fs (local disk)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modelshelf-conf-'));
  return { driver: new FsDriver(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});
