// The binary's contract outside any one command: help, version, exit codes for usage errors,
// where the store comes from, JSON errors and colour.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT_CODES } from '@modelshelf/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSI, json, jsonError, REPO, runCli, tempStore } from './helpers/cli.ts';

describe('modelshelf (global behaviour)', { timeout: 300_000 }, () => {
  let store: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    store = await tempStore();
  });
  afterAll(() => store.cleanup());

  it('--help lists the commands, references and the exit-code table, without colour when piped', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['init', 'push', 'ls', 'versions', 'show', 'resolve', 'pull', 'pin', 'unpin', 'alias'])
      expect(r.stdout).toMatch(new RegExp(`^  ${cmd}\\b`, 'm'));
    expect(r.stdout).toContain('Exit codes:');
    for (const [category, code] of Object.entries(EXIT_CODES)) {
      expect(r.stdout, category).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    }
    expect(r.stdout).toMatch(/^ {2}3 {2}not found/m);
    expect(r.stdout).toContain('MODELSHELF_STORE');
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(REPO, 'packages/cli/package.json'), 'utf8')) as {
      version: string;
    };
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('unknown commands and options are usage errors (exit 2), as text or JSON', async () => {
    const unknown = await runCli(['lss']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown command 'lss'/m);
    expect(unknown.stderr).toMatch(/^hint: /m);

    const badOption = await runCli(['ls', '--bogus', '--json']);
    expect(badOption.code).toBe(2);
    expect(jsonError(badOption)).toMatchObject({ code: 'USAGE', category: 'usage' });
    expect(jsonError(badOption).message).toContain('--bogus');

    const badDuration = await store.cli('gc', '--grace', '7x');
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toContain('"7x"');

    const noCommand = await runCli([]);
    expect(noCommand.code).toBe(2);
  });

  it('needs a store: --store, else MODELSHELF_STORE, else a usage error that says how', async () => {
    const none = await runCli(['ls']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: no store given$/m);
    expect(none.stderr).toMatch(/^hint: .*MODELSHELF_STORE/m);

    const noneJson = await runCli(['ls', '--json']);
    expect(noneJson.code).toBe(2);
    expect(noneJson.stdout).toBe('');
    expect(jsonError(noneJson)).toEqual({
      code: 'INVALID_ARGUMENT',
      category: 'usage',
      message: 'no store given',
      hint: expect.stringContaining('MODELSHELF_STORE'),
    });

    const empty = join(store.root, 'not-a-store');
    await mkdir(empty);
    const notAStore = await runCli(['ls', '--store', empty]);
    expect(notAStore.code).toBe(2);
    expect(notAStore.stderr).toContain(empty);
    expect(notAStore.stderr).toContain('modelshelf init');

    const viaEnv = await runCli(['init', '--json'], { MODELSHELF_STORE: store.dir });
    expect(viaEnv.code).toBe(0);
    expect(json(viaEnv)).toEqual({ store: store.dir, created: true });
    // --store wins over the environment.
    const other = join(store.root, 'other');
    const both = await runCli(['init', '--json', '--store', other], { MODELSHELF_STORE: store.dir });
    expect(json(both)).toEqual({ store: other, created: true });
  });

  it('uses colour only when forced on a pipe, and never with NO_COLOR', async () => {
    await store.cli('init');
    await store.cli('push', 'a/b', join(REPO, 'fixtures/kepler/README.md'));
    const args = ['--store', store.dir, 'versions', 'a/b'];
    expect((await runCli(args)).stdout).not.toMatch(ANSI);
    // FORCE_COLOR shows the check can see colour at all, so the NO_COLOR assertion is not vacuous.
    expect((await runCli(args, { FORCE_COLOR: '1' })).stdout).toMatch(ANSI);
    const noColor = await runCli(args, { FORCE_COLOR: '1', NO_COLOR: '1' });
    expect(noColor.code).toBe(0);
    expect(noColor.stdout).toContain('VERSION');
    expect(noColor.stdout).not.toMatch(ANSI);
  });
});
