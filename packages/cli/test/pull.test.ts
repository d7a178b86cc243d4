// `pull` downloads and verifies, and never writes outside the target directory: not for a manifest
// whose paths escape, not through a symlink planted in the target.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, jsonError, KEPLER_BPFONLY, tempStore } from './helpers/cli.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

/** Every file below `dir` (relative path → bytes), to compare trees. */
async function tree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const full = join(e.parentPath, e.name);
      out.set(full.slice(dir.length + 1), await readFile(full));
    }
  }
  return out;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('pull', { timeout: 300_000 }, () => {
  let s: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    s = await tempStore();
    await s.cli('init');
    expect((await s.cli('push', MODEL, KEPLER_BPFONLY)).code).toBe(0);
  });
  afterAll(() => s.cleanup());

  it('downloads every file of the resolved version, byte for byte', async () => {
    const target = join(s.root, 'pulled', 'model');
    const r = await s.cli('pull', MODEL, target, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = json<{ model: string; version: number; via: string; dir: string; files: string[] }>(r);
    expect(out).toMatchObject({ model: MODEL, version: 1, via: 'latest', dir: target });
    const expected = await tree(KEPLER_BPFONLY);
    expect(out.files.sort()).toEqual([...expected.keys()].sort());
    expect(await tree(target)).toEqual(expected);
  });

  it('refuses a manifest whose paths leave the directory and writes nothing at all', async () => {
    // A hostile or corrupt store: hand-written manifest with a good file and an escaping one.
    const good = new TextEncoder().encode('fine\n');
    const versionDir = join(s.dir, 'models/evil/model/@versions/1');
    await mkdir(join(versionDir, 'files'), { recursive: true });
    await writeFile(join(versionDir, 'files', 'a-good.txt'), good);
    const entry = (path: string) => ({ path, size: good.byteLength, sha256: sha256(good) });
    const manifest = {
      schemaVersion: 1,
      model: 'evil/model',
      version: 1,
      createdAt: new Date().toISOString(),
      creator: { user: 'mallory', host: 'evil', tool: 'handmade' },
      files: [entry('a-good.txt'), entry('../../escaped.txt')],
      formats: [],
      metadata: {},
    };
    await writeFile(join(versionDir, 'manifest.json'), JSON.stringify(manifest));

    const target = join(s.root, 'evil-target', 'inner');
    await mkdir(target, { recursive: true });
    const r = await s.cli('pull', 'evil/model@1', target, '--json');
    expect(r.code).toBe(2);
    expect(jsonError(r)).toMatchObject({ code: 'PATH_ESCAPE', category: 'usage' });
    expect(jsonError(r).message).toContain('../../escaped.txt');
    expect(await readdir(s.root)).not.toContain('escaped.txt');
    expect(await readdir(join(s.root, 'evil-target'))).not.toContain('escaped.txt');
    // The good file was not written either: the whole manifest is checked before the first byte.
    expect(await tree(join(s.root, 'evil-target'))).toEqual(new Map());
  });

  it('refuses to follow symlinks planted in the target directory', async () => {
    const outside = join(s.root, 'outside');
    await mkdir(outside);
    const victim = join(outside, 'victim.json');
    await writeFile(victim, 'precious');

    // A symlinked sub-directory: LogarithmicRegressionTrainer_0/… would land in `outside`.
    const viaDir = join(s.root, 'target-dir-link');
    await mkdir(viaDir);
    await symlink(outside, join(viaDir, 'LogarithmicRegressionTrainer_0'));
    const r1 = await s.cli('pull', MODEL, viaDir);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(
      /^error: path ".*LogarithmicRegressionTrainer_0\/.*" would be written outside/m,
    );

    // A symlinked file: the version's SGDRegressorTrainer_0.json would overwrite the victim.
    const viaFile = join(s.root, 'target-file-link');
    await mkdir(viaFile);
    await symlink(victim, join(viaFile, 'SGDRegressorTrainer_0.json'));
    const r2 = await s.cli('pull', MODEL, viaFile);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('SGDRegressorTrainer_0.json');

    expect(await readdir(outside)).toEqual(['victim.json']);
    expect(await readFile(victim, 'utf8')).toBe('precious');
  });

  it('refuses a planted symlink above a nested path without creating directories outside', async () => {
    const root = join(s.root, 'nested');
    const src = join(root, 'src');
    await mkdir(join(src, 'sub', 'deeper'), { recursive: true });
    await writeFile(join(src, 'sub', 'deeper', 'w.json'), '{}');
    expect((await s.cli('push', 'nested/model', src)).code).toBe(0);
    const outside = join(root, 'outside');
    const target = join(root, 'target');
    await mkdir(outside);
    await mkdir(target);
    await symlink(outside, join(target, 'sub'));
    const r = await s.cli('pull', 'nested/model', target);
    expect(r.code).toBe(2);
    expect(await readdir(outside)).toEqual([]);
  });
});
