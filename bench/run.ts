// `pnpm bench [filter]` runs every bench/*.bench.ts (or those whose file name contains the filter).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchModule, formatRow } from './harness.ts';

// The AWS SDK warns once per process that Node 20 nears its end of support; every bench that
// talks to RGW (and the children it starts) would print it, so it is silenced here once.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const filter = process.argv[2];
const dir = new URL('.', import.meta.url).pathname;
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter)))
  .sort();
let failed = false;
for (const file of files) {
  const mod = (await import(join(dir, file))).default as BenchModule;
  console.log(`\n## ${mod.title}  (${file})`);
  const why = await mod.skip?.();
  if (why) {
    console.log(`  skipped: ${why}`);
    continue;
  }
  const tmpDir = await mkdtemp(join(tmpdir(), 'modelshelf-bench-'));
  try {
    await mod.run({ tmpDir, row: (r) => console.log(formatRow(r)), note: (t) => console.log(`  ${t}`) });
  } catch (err) {
    failed = true;
    console.log(`  FAILED: ${(err as Error).stack ?? err}`);
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}
process.exitCode = failed ? 1 : 0;
