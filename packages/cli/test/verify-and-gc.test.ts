// verify names every corrupt file and exits 4; pull refuses corrupt bytes; gc keeps what is
// protected, honours --dry-run and --keep.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, jsonError, KEPLER_BPFONLY, tempStore } from './helpers/cli.ts';

const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const SGD = join(KEPLER_BPFONLY, 'SGDRegressorTrainer_0');

interface VerifyOutput {
  ok: boolean;
  reports: { model: string; version: number; ok: boolean; problems: { path: string; problem: string }[] }[];
}

describe('verify and gc', { timeout: 300_000 }, () => {
  let s: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    s = await tempStore();
    await s.cli('init');
    for (let i = 0; i < 4; i++) expect((await s.cli('push', MODEL, SGD, '-q')).code).toBe(0);
  });
  afterAll(() => s.cleanup());

  it('finds a corrupted file, names it, and exits 4; pull refuses the corrupt bytes', async () => {
    const clean = await s.cli('verify', `${MODEL}@2`);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/@2\s+ok\s+2/);

    // Flip the stored weights of version 2 behind the registry's back (bit rot, a bad copy).
    const stored = join(s.dir, 'models', MODEL, '@versions/2/files/SGDRegressorTrainer_0.json');
    await writeFile(stored, '{"package": {"All_Weights": "tampered"}}');

    const [one, all, text, pulled] = await Promise.all([
      s.cli('verify', `${MODEL}@2`, '--json'),
      s.cli('verify', '--all', '--json'),
      s.cli('verify', '--all'),
      s.cli('pull', `${MODEL}@2`, join(s.root, 'pulled'), '--json'),
    ]);
    expect(one.code).toBe(4);
    const report = json<VerifyOutput>(one);
    expect(report.ok).toBe(false);
    expect(report.reports[0]!.problems.map((p) => p.path)).toEqual(['SGDRegressorTrainer_0.json']);

    expect(all.code).toBe(4);
    const byVersion = json<VerifyOutput>(all).reports.map((r) => [r.version, r.ok]);
    expect(byVersion).toEqual([
      [1, true],
      [2, false],
      [3, true],
      [4, true],
    ]);

    expect(text.code).toBe(4);
    expect(text.stdout).toContain(`${MODEL}@2: SGDRegressorTrainer_0.json: `);
    expect(text.stdout).toMatch(/@2\s+CORRUPT/);
    expect(text.stderr).toContain('1 of 4 versions failed verification');

    expect(pulled.code).toBe(4);
    expect(jsonError(pulled)).toMatchObject({ category: 'integrity', code: 'INTEGRITY' });
    expect(jsonError(pulled).message).toContain('SGDRegressorTrainer_0.json');
    // Nothing unverified is left behind under its final name.
    const left = await readdir(join(s.root, 'pulled')).catch(() => []);
    expect(left).not.toContain('SGDRegressorTrainer_0.json');
  });

  it('needs exactly one of a reference and --all', async () => {
    const [neither, both] = await Promise.all([s.cli('verify'), s.cli('verify', MODEL, '--all')]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('--all');
    expect(both.code).toBe(2);
  });

  it('gc keeps pinned, aliased and the newest versions; --dry-run changes nothing', async () => {
    await s.cli('pin', `${MODEL}@1`);
    await s.cli('alias', 'set', MODEL, 'stable', '2');
    const versions = async () =>
      json<{ version: number }[]>(await s.cli('versions', MODEL, '--json')).map((v) => v.version);

    const dry = await s.cli('gc', '--keep', '1', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const plan = json<{ dryRun: boolean; actions: { kind: string; model?: string; version?: number }[] }>(
      dry,
    );
    expect(plan.dryRun).toBe(true);
    expect(plan.actions.filter((a) => a.kind === 'delete-version').map((a) => a.version)).toEqual([3]);
    expect(await versions()).toEqual([1, 2, 3, 4]);

    const other = await s.cli('gc', '--keep', '1', '--prefix', 'someone/else', '--json');
    expect(json<{ actions: unknown[] }>(other).actions).toEqual([]);

    const real = await s.cli('gc', '--keep', '1', '--grace', '10m');
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toContain(`delete-version ${MODEL}@3`);
    expect(await versions()).toEqual([1, 2, 4]);
    expect((await s.cli('resolve', `${MODEL}@3`)).code).toBe(3);
  });
});
