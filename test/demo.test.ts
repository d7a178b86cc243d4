// The README's first command must work: run the demo end to end and check each step happened.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

it('pnpm demo trains, publishes, hot-swaps, pins and unpins, and exits 0', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const out = `${run.stdout}\n${run.stderr}`;
  expect(run.status, out).toBe(0);
  expect(out).toMatch(/published version 1/);
  expect(out).toMatch(/published version 2/);
  expect(out).toMatch(/answers from version 1: package [0-9.]+ W.*first model/);
  expect(out).toMatch(/answers from version 2: .*hot swap to the new version/);
  expect(out).toMatch(/answers from version 1: .*pin honoured/);
  expect(out).toMatch(/answers from version 2: .*back to the latest/);
  expect(out).toMatch(/verify: 2 versions, 2 intact/);
  expect(out).toMatch(/estimator stopped cleanly \(exit 0\)/);
}, 300_000);
