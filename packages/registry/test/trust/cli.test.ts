// The trust commands through the real binary: keygen, sign, and the trust flags of resolve, pull
// and verify. Key material must never reach stdout or stderr, --json included.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, json, jsonError, tempStore } from '../../../cli/test/helpers/cli.ts';

const MODEL = 'acpi/AbsPower/BPFOnly/SGDRegressorTrainer_1';

describe('modelshelf keygen / sign / --trusted-keys', () => {
  let cli: (...args: string[]) => Promise<CliResult>;
  let root: string;
  let cleanup: () => Promise<void>;
  let privateKey: string;
  let publicKey: string;
  let keysDir: string;

  beforeEach(async () => {
    ({ cli, root, cleanup } = await tempStore());
    keysDir = join(root, 'keys');
    const made = await cli('keygen', '--out', keysDir, '--json');
    expect(made.code, made.stderr).toBe(0);
    ({ privateKey, publicKey } = json<{ privateKey: string; publicKey: string }>(made));
    await writeFile(join(root, 'weights.json'), '{"w":1}');
    expect((await cli('init')).code).toBe(0);
    for (const n of [1, 2]) {
      await writeFile(join(root, 'weights.json'), `{"w":${n}}`);
      const pushed = await cli('push', MODEL, join(root, 'weights.json'));
      expect(pushed.code, pushed.stderr).toBe(0);
    }
  });
  afterEach(() => cleanup());

  const noKeyMaterial = async (r: CliResult) => {
    for (const file of [privateKey, publicKey]) {
      const body = (await readFile(file, 'utf8')).split('\n')[1]!;
      expect(r.stdout + r.stderr).not.toContain(body);
    }
  };

  it('keygen writes a private key readable by its owner only and never overwrites it; trusting a private key is refused', async () => {
    expect((await stat(privateKey)).mode & 0o777).toBe(0o600);
    expect(await readdir(keysDir)).toEqual(['modelshelf-signing.key.pem', 'modelshelf-signing.pub.pem']);
    const again = await cli('keygen', '--out', keysDir, '--json');
    expect(again.code).toBe(2);
    expect(jsonError(again).message).toContain('already exists');
    // The directory holds the private key too: trusting it would copy a signing key onto estimators.
    const wrong = await cli('resolve', MODEL, '--trusted-keys', keysDir, '--json');
    expect(wrong.code).toBe(2);
    expect(jsonError(wrong)).toMatchObject({ code: 'KEY_FILE' });
    expect(jsonError(wrong).message).toContain('is a private key');
    await noKeyMaterial(wrong);
  });

  it('signed → resolved and pulled; unsigned → refused under enforce with exit code 4', async () => {
    const signed = await cli('sign', `${MODEL}@2`, '--key', privateKey, '--json');
    expect(signed.code, signed.stderr).toBe(0);
    await noKeyMaterial(signed);
    expect(json(signed)).toMatchObject({ model: MODEL, version: 2, created: true });

    const ok = await cli('resolve', MODEL, '--trusted-keys', publicKey, '--json');
    expect(ok.code, ok.stderr).toBe(0);
    expect(json(ok)).toMatchObject({ version: 2, signature: { status: 'trusted' } });

    const refused = await cli('resolve', `${MODEL}@1`, '--trusted-keys', publicKey, '--json');
    expect(refused.code).toBe(4);
    expect(jsonError(refused)).toMatchObject({
      code: 'UNTRUSTED',
      message: `${MODEL}@1 is unsigned: it has no signature`,
    });

    const out = join(root, 'pulled');
    const pullRefused = await cli('pull', `${MODEL}@1`, out, '--trusted-keys', publicKey);
    expect(pullRefused.code).toBe(4);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);

    const pulled = await cli('pull', `${MODEL}@2`, out, '--trusted-keys', publicKey, '--json');
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(await readFile(join(out, 'weights.json'), 'utf8')).toBe('{"w":2}');
  });

  it('warn serves an unsigned version with a warning on stderr; the environment sets the policy', async () => {
    const warned = await cli(
      'resolve',
      `${MODEL}@1`,
      '--trusted-keys',
      publicKey,
      '--require-signature',
      'warn',
    );
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(`warning: ${MODEL}@1 is unsigned`);
    const { runCli } = await import('../../../cli/test/helpers/cli.ts');
    const viaEnv = await runCli(['--store', join(root, 'store'), 'resolve', `${MODEL}@1`], {
      MODELSHELF_TRUSTED_KEYS: publicKey,
    });
    expect(viaEnv.code).toBe(4);
    const enforceWithoutKeys = await cli('resolve', MODEL, '--require-signature', 'enforce');
    expect(enforceWithoutKeys.code).toBe(2);
    expect(enforceWithoutKeys.stderr).toContain('no trusted key');
  });

  it('verify reports signature status and fails on untrusted versions under enforce', async () => {
    await cli('sign', `${MODEL}@2`, '--key', privateKey);
    const open = await cli('verify', '--all', '--json');
    expect(open.code, open.stderr).toBe(0);
    const statuses = json<{ reports: { version: number; signature: { status: string } }[] }>(
      open,
    ).reports.map((r) => [r.version, r.signature.status]);
    expect(statuses).toEqual([
      [1, 'unsigned'],
      [2, 'untrusted'],
    ]);
    const enforced = await cli('verify', '--all', '--trusted-keys', publicKey);
    expect(enforced.code).toBe(4);
    expect(enforced.stdout).toContain(`${MODEL}@1: signatures: it has no signature`);
    expect(enforced.stdout).not.toContain(`${MODEL}@2: signatures`);
  });
});
