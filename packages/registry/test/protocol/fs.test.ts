import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeConcurrency } from './concurrency-suite.ts';
import { describeCrashSafety } from './crash-suite.ts';

const makeUri = () => mkdtemp(join(tmpdir(), 'modelshelf-proto-'));

describeConcurrency('fs (local disk)', makeUri);
describeCrashSafety('fs (local disk)', makeUri, {
  trials: 100,
  parallel: 4,
  maxKillDelayMs: 120,
  // Temp files under .tmp/ are bytes a killed writer never linked into place.
  countDebris: async (uri) => (await readdir(join(uri, '.tmp')).catch(() => [])).length,
});
