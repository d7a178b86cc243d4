// `pull` with hostile manifests: whatever paths a manifest names (traversal, absolute, NUL,
// backslashes, unicode look-alikes, paths through a symlink planted in the target directory),
// nothing is ever written outside the pull directory and failures are typed.
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fileKey,
  type Manifest,
  ModelshelfError,
  openStore,
  type Store,
} from '../../packages/registry/src/index.ts';
import { expectTyped, params } from './fuzz-kit.ts';

const MODEL = 'a/b';
const BODY = new TextEncoder().encode('{"w":1}');
const SHA = createHash('sha256').update(BODY).digest('hex');

const hostilePath = fc.oneof(
  fc.constantFrom(
    '../escape.txt',
    '../../escape.txt',
    '/tmp/escape.txt',
    'a/../../escape.txt',
    'link/escape.txt',
    'link',
    'ok.json\u0000.txt',
    '..\\escape.txt',
    'a\\..\\..\\escape.txt',
    '\u2215tmp\u2215escape.txt',
    '\uff0e\uff0e/escape.txt',
    '.',
    '',
    'dir/./x',
    'C:/escape.txt',
    'ok.json',
  ),
  fc
    .array(fc.constantFrom('..', '.', 'link', 'x', '\u2215', '\uff0e\uff0e', '\\', '', 'ok.json', '%2e%2e'), {
      minLength: 1,
      maxLength: 6,
    })
    .map((parts) => parts.join('/')),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('pull with hostile manifests', () => {
  let root: string;
  let store: Store;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'modelshelf-pull-fuzz-'));
    store = await openStore(join(root, 'store'), { create: true });
    await store.driver.putCreateOnly(fileKey(MODEL, 1, 'ok.json'), BODY);
    await mkdir(join(root, 'outside'));
  });
  afterAll(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });

  it('writes nothing outside the pull directory, whatever the manifest says', async () => {
    const outsideBefore = await filesUnder(join(root, 'outside'));
    const storeBefore = await filesUnder(join(root, 'store'));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(hostilePath, { minLength: 1, maxLength: 4 }), async (paths) => {
        const out = join(root, `out-${run++}`);
        await mkdir(out);
        // A symlink planted in the target directory, pointing outside it.
        await symlink(join(root, 'outside'), join(out, 'link'));
        const manifest: Manifest = {
          schemaVersion: 1,
          model: MODEL,
          version: 1,
          createdAt: new Date(0).toISOString(),
          creator: { user: 'u', host: 'h', tool: 't' },
          files: paths.map((path) => ({ path, size: BODY.length, sha256: SHA })),
          formats: [],
          metadata: {},
        };
        await expectTyped(() => store.pull(manifest, out), [ModelshelfError]);
        expect(await filesUnder(join(root, 'outside'))).toEqual(outsideBefore);
        expect(await filesUnder(join(root, 'store'))).toEqual(storeBefore);
        const top = (await readdir(root)).filter((n) => !n.startsWith('out-'));
        expect(top.sort()).toEqual(['outside', 'store']);
        await rm(out, { recursive: true, force: true });
      }),
      params(400),
    );
  });

  it('a manifest of good paths is pulled in full', async () => {
    const out = join(root, 'good');
    const manifest: Manifest = {
      schemaVersion: 1,
      model: MODEL,
      version: 1,
      createdAt: new Date(0).toISOString(),
      creator: { user: 'u', host: 'h', tool: 't' },
      files: [{ path: 'ok.json', size: BODY.length, sha256: SHA }],
      formats: [],
      metadata: {},
    };
    expect(await store.pull(manifest, out)).toEqual(['ok.json']);
    await writeFile(join(root, 'good', 'extra'), 'x');
    expect(await filesUnder(out)).toEqual(['extra', 'ok.json']);
    await rm(out, { recursive: true });
  });
});
