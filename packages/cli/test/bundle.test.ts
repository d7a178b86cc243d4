// The plain-JS bundle `modelshelf estimator` runs (bin/bundle.js): it builds, loads nothing through a
// TypeScript path at run time, keeps third-party packages where pnpm put them, and behaves as the tsx
// path does (same --version, read next to the source through import.meta.url; same help).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const BIN_DIR = fileURLToPath(new URL('../bin/', import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelshelf-bundle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[], bundle: '0' | '1'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(BIN_DIR, 'modelshelf.js'), ...args],
      { env: { ...process.env, MODELSHELF_BUNDLE: bundle, TMPDIR: dir } },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

it('builds chunks that import only node builtins, siblings and absolute paths of installed packages', async () => {
  const r = await run(['--version'], '1');
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe(''); // no "running through tsx" fallback note
  expect(r.stdout.trim()).toBe(VERSION);
  const [bundle] = readdirSync(join(dir, `modelshelf-${process.getuid!()}`, 'bundle'));
  const root = join(dir, `modelshelf-${process.getuid!()}`, 'bundle', bundle!);
  const files = readdirSync(root);
  expect(files).toContain('main.js');
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const [, spec] of text.matchAll(/(?:from|import\()\s*"([^"]+)"/g)) {
      expect(spec, `${f} imports ${spec}`).toMatch(/^(node:|\.\/|\/.*\/node_modules\/)/);
      expect(spec).not.toMatch(/\.ts$/);
    }
  }
}, 60_000);

it('gives the same help as the tsx path', async () => {
  const [bundled, tsx] = await Promise.all([
    run(['estimator', '--help'], '1'),
    run(['estimator', '--help'], '0'),
  ]);
  expect(bundled.code, bundled.stderr).toBe(0);
  expect(bundled.stdout).toBe(tsx.stdout);
  expect(bundled.stdout).toMatch(/--socket/);
}, 60_000);
