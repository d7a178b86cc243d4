// Every import between workspace packages goes through the imported package's `exports`, and no
// relative import leaves its package. Checked on the real workspace, and on a synthetic one that
// breaks each rule, so the check itself is shown to fail when it should.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryViolations, unusedDependencies } from './helpers/boundaries.ts';

const ROOT = join(import.meta.dirname, '..');

/**
 * Test files that still reach another package's test helpers by relative path. Listed so that no new
 * one can appear; each goes once its helper is exported (e.g. a `./testing` entry in the owning
 * package's exports). Source files have no exceptions.
 */
const KNOWN_TEST_EXCEPTIONS = new Set([
  'packages/cli/test/train-command.test.ts ../../trainer/test/helpers/fixtures.ts',
  'packages/cli/test/train-command.test.ts ../../trainer/test/helpers/mean-trainer.ts',
  'packages/cli/test/train-interrupt.test.ts ../../trainer/test/helpers/fixtures.ts',
  'packages/cli/test/train-interrupt.test.ts ../../trainer/test/helpers/mean-trainer.ts',
  'packages/cli/test/watch-command.test.ts ../../loader/test/helpers/store.ts',
  'packages/cli/test/watch-command.test.ts ../../loader/test/helpers/wait.ts',
  'packages/registry/test/trust/cli.test.ts ../../../cli/test/helpers/cli.ts',
]);

it('the workspace imports other packages only through their exports', () => {
  const found = boundaryViolations(ROOT);
  expect(found.filter((v) => v.file.includes('/src/'))).toEqual([]);
  const keys = new Set(found.map((v) => `${v.file} ${v.specifier}`));
  expect(found.filter((v) => !KNOWN_TEST_EXCEPTIONS.has(`${v.file} ${v.specifier}`))).toEqual([]);
  // An exception that no longer happens is taken off the list, so the list only shrinks.
  expect([...KNOWN_TEST_EXCEPTIONS].filter((k) => !keys.has(k))).toEqual([]);
});

it('every package imports each dependency it declares', () => {
  expect(unusedDependencies(ROOT)).toEqual([]);
});

describe('the check on a synthetic workspace', () => {
  let root: string;
  const file = async (path: string, text: string) => {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'boundaries-'));
    await file(
      'packages/a/package.json',
      JSON.stringify({ name: '@ws/a', exports: { '.': './src/index.ts', './extra': './src/extra.ts' } }),
    );
    await file('packages/a/src/index.ts', "export const a = 1;\nimport { x } from './inner/x.ts';\n");
    await file('packages/a/src/inner/x.ts', "export { a } from '../index.ts';\n");
    await file(
      'packages/b/package.json',
      JSON.stringify({
        name: '@ws/b',
        exports: { '.': './src/index.ts' },
        dependencies: { '@ws/a': '*', zod: '*', 'left-pad': '*' },
      }),
    );
    await file(
      'packages/b/src/index.ts',
      [
        "import { a } from '@ws/a';",
        "import { extra } from '@ws/a/extra';",
        "import { hidden } from '@ws/a/src/hidden.ts';",
        "import { deep } from '../../a/src/index.ts';",
        "export const lazy = () => import('@ws/a/internal');",
        "import { z } from 'zod';",
      ].join('\n'),
    );
    await file(
      'packages/c/package.json',
      JSON.stringify({ name: '@ws/c', exports: { '.': './src/index.ts' } }),
    );
    await file('packages/c/src/index.ts', "import { a } from '@ws/a';\nexport const c = a;\n");
    await file('test/support/harness.ts', 'export const h = 1;\n');
    await file('packages/a/test/a.test.ts', "import { h } from '../../../test/support/harness.ts';\n");
    await file(
      'packages/a/src/extra.ts',
      "import { h } from '../../../test/support/harness.ts';\nexport const extra = h;\n",
    );
    await file(
      'packages/b/test/b.test.ts',
      "import { a } from '../../a/src/inner/x.ts';\nimport { b } from '../src/index.ts';\n",
    );
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('reports a declared dependency nothing imports', () => {
    expect(unusedDependencies(root)).toEqual(['@ws/b: left-pad']);
  });

  it('reports each import past exports and each relative import that leaves its package', () => {
    const found = boundaryViolations(root).map((v) => `${v.file} ${v.specifier}`);
    expect(found.sort()).toEqual(
      [
        'packages/b/src/index.ts @ws/a/src/hidden.ts',
        'packages/b/src/index.ts ../../a/src/index.ts',
        'packages/b/src/index.ts @ws/a/internal',
        'packages/b/test/b.test.ts ../../a/src/inner/x.ts',
        'packages/a/src/extra.ts ../../../test/support/harness.ts',
        'packages/c/src/index.ts @ws/a',
      ].sort(),
    );
  });
});
