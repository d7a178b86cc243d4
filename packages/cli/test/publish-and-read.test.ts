// init → push (directory, file, metadata, format) → ls → versions → show → resolve → diff, with
// real Kepler models, and the error paths of reading (bad syntax 2, unknown model/version/alias 3).
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, jsonError, KEPLER_BPFONLY, tempStore } from './helpers/cli.ts';

const SGD = join(KEPLER_BPFONLY, 'SGDRegressorTrainer_0');
const LOG = join(KEPLER_BPFONLY, 'LogarithmicRegressionTrainer_0');
const MODEL = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';

interface Manifest {
  files: { path: string; size: number; sha256: string }[];
  formats: { name: string; files: string[] }[];
  metadata: Record<string, unknown>;
}

const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;

// Each step spawns the binary (tsx start-up included), so steps get generous time on a busy machine.
describe('publishing and reading', { timeout: 300_000 }, () => {
  let s: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    s = await tempStore();
  });
  afterAll(() => s.cleanup());

  it('init is idempotent', async () => {
    expect(json(await s.cli('init', '--json'))).toEqual({ store: s.dir, created: true });
    const again = await s.cli('init');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already exists');
  });

  it('pushes directories recursively and files by name, with metadata, --meta and --format', async () => {
    const sgdMeta = await readJson(join(SGD, 'metadata.json'));
    const first = await s.cli(
      'push',
      MODEL,
      SGD,
      '--metadata',
      join(SGD, 'metadata.json'),
      '--meta',
      'trainer=SGDRegressorTrainer',
      '--meta',
      'mape=99.5',
      '--meta',
      'tags=["ec2"]',
      '--format',
      'kepler-weights',
      '--json',
    );
    expect(first.code, first.stderr).toBe(0);
    const pushed = json<{ model: string; version: number; digest: string }>(first);
    expect(pushed).toEqual({
      model: MODEL,
      version: 1,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });

    const shown = json<{ version: number; via: string; digest: string; manifest: Manifest }>(
      await s.cli('show', `${MODEL}@1`, '--json'),
    );
    expect(shown.digest).toBe(pushed.digest);
    expect(shown.manifest.files.map((f) => f.path)).toEqual(['SGDRegressorTrainer_0.json', 'metadata.json']);
    for (const f of shown.manifest.files) expect(f.size).toBe((await stat(join(SGD, f.path))).size);
    expect(shown.manifest.formats).toEqual([
      { name: 'kepler-weights', files: ['SGDRegressorTrainer_0.json', 'metadata.json'] },
    ]);
    // --metadata gives the file's values; --meta adds typed values and overrides the file's.
    expect(shown.manifest.metadata).toEqual({
      ...sgdMeta,
      trainer: 'SGDRegressorTrainer',
      mape: 99.5,
      tags: ['ec2'],
    });

    // A nested directory keeps relative paths; a file given directly is stored under its base name.
    const second = await s.cli(
      'push',
      MODEL,
      KEPLER_BPFONLY,
      '--metadata',
      join(LOG, 'metadata.json'),
      '--json',
    );
    expect(json<{ version: number }>(second).version).toBe(2);
    const nested = json<{ manifest: Manifest }>(await s.cli('show', MODEL, '--json')).manifest;
    expect(nested.files.map((f) => f.path)).toContain('LogarithmicRegressionTrainer_0/metadata.json');
    expect(nested.files.map((f) => f.path)).toContain('SGDRegressorTrainer_0.zip');

    const single = await s.cli(
      'push',
      'acpi/AbsPower/BPFOnly/SGD_109',
      join(SGD, 'SGDRegressorTrainer_0.json'),
      '-q',
    );
    expect(single.code).toBe(0);
    expect(single.stdout).toBe('acpi/AbsPower/BPFOnly/SGD_109@1\n');
  });

  it('lists models and versions as JSON and as aligned tables', async () => {
    expect(json(await s.cli('ls', '--json'))).toEqual([
      { model: 'acpi/AbsPower/BPFOnly/SGD_109', latest: 1, pin: null, aliases: {} },
      { model: MODEL, latest: 2, pin: null, aliases: {} },
    ]);
    expect(json<unknown[]>(await s.cli('ls', 'rapl-sysfs/', '--json'))).toHaveLength(1);
    const table = (await s.cli('ls')).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^MODEL\s+LATEST\s+PIN\s+ALIASES$/);
    expect(table).toHaveLength(3);

    const logMeta = await readJson(join(LOG, 'metadata.json'));
    const versions = json<Record<string, unknown>[]>(await s.cli('versions', MODEL, '--json'));
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    expect(versions[0]).toMatchObject({
      mae: 60.78,
      mape: 99.5,
      files: 2,
      creator: expect.stringMatching(/^tester@/),
    });
    expect(versions[1]).toMatchObject({ mae: logMeta.mae, mape: logMeta.mape, refs: ['latest'] });
    expect(Date.parse(versions[0]!.createdAt as string)).toBeGreaterThan(Date.now() - 600_000);
    const sizes =
      (await stat(join(SGD, 'metadata.json'))).size +
      (await stat(join(SGD, 'SGDRegressorTrainer_0.json'))).size;
    expect(versions[0]!.size).toBe(sizes);

    const rows = (await s.cli('versions', MODEL)).stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^VERSION\s+CREATED\s+BY\s+SIZE\s+FILES\s+DIGEST\s+MAE\s+MAPE\s+REFS$/);
    expect(rows[1]).toMatch(/^\s+1 {2}.*(just now|seconds? ago).*tester@.*60\.78\s+99\.5$/);
    // Right-aligned version numbers line up under the header's right edge.
    expect(rows[1]!.indexOf('1')).toBe('VERSION'.length - 1);
  });

  it('resolves references and says how', async () => {
    expect(json(await s.cli('resolve', MODEL, '--json'))).toEqual({
      model: MODEL,
      version: 2,
      via: 'latest',
      digest: expect.stringMatching(/^sha256:/),
    });
    expect(json<{ via: string }>(await s.cli('resolve', `${MODEL}@1`, '--json')).via).toBe('version');
    expect((await s.cli('resolve', MODEL, '--quiet')).stdout).toBe(`${MODEL}@2\n`);
    const shown = await s.cli('show', MODEL);
    expect(shown.stdout).toContain(`${MODEL}@2`);
    expect(shown.stdout).toMatch(/^mae\s+/m);
  });

  it('diffs metadata (with a verdict on error metrics) and files by digest', async () => {
    const logMeta = await readJson(join(LOG, 'metadata.json'));
    const r = await s.cli('diff', `${MODEL}@1`, `${MODEL}@2`, '--json');
    const d = json<{
      metadata: { key: string; change: string; from?: unknown; to?: unknown; verdict?: string }[];
      files: { path: string; change: string }[];
    }>(r);
    const mae = d.metadata.find((m) => m.key === 'mae');
    expect(mae).toMatchObject({ change: 'changed', from: 60.78, to: logMeta.mae });
    expect(mae?.verdict).toBe((logMeta.mae as number) < 60.78 ? 'improved' : 'worse');
    expect(d.metadata.find((m) => m.key === 'trainer')).toMatchObject({ change: 'removed' });
    // v2 is the whole BPFOnly directory: its top-level weights file differs, the rest is new or gone.
    expect(d.files).toContainEqual(
      expect.objectContaining({ path: 'SGDRegressorTrainer_0.json', change: 'changed' }),
    );
    expect(d.files).toContainEqual(
      expect.objectContaining({ path: 'SGDRegressorTrainer_0.zip', change: 'added' }),
    );
    expect(d.files).toContainEqual(expect.objectContaining({ path: 'metadata.json', change: 'removed' }));
    const text = await s.cli('diff', `${MODEL}@1`, `${MODEL}@2`);
    expect(text.stdout).toMatch(new RegExp(`mae: 60\\.78 → ${logMeta.mae} \\(.*(improved|worse)\\)`));
    expect(text.stdout).toMatch(/^ {2}- metadata\.json/m);
    expect(text.stdout).toMatch(
      /^ {2}~ SGDRegressorTrainer_0\.json {2}486 B [0-9a-f]{12} → 934 B [0-9a-f]{12}$/m,
    );
  });

  it('reports bad references as usage errors and unknown things as not found', async () => {
    const cases: [args: string[], exit: number, code: string, mentions: string][] = [
      [['resolve', 'a/b@@1'], 2, 'INVALID_REFERENCE', 'a/b@@1'],
      [['resolve', '../etc'], 2, 'INVALID_NAME', '../etc'],
      [['show', `${MODEL}@1.5`], 2, 'INVALID_REFERENCE', '1.5'],
      [['resolve', 'no/such/model'], 3, 'MODEL_NOT_FOUND', 'no/such/model'],
      [['show', `${MODEL}@99`], 3, 'VERSION_NOT_FOUND', '99'],
      [['resolve', `${MODEL}@stable`], 3, 'ALIAS_NOT_FOUND', 'stable'],
      [['versions', 'no/such/model'], 3, 'MODEL_NOT_FOUND', 'no/such/model'],
      [['diff', `${MODEL}@1`, `${MODEL}@7`], 3, 'VERSION_NOT_FOUND', '7'],
    ];
    const results = await Promise.all(cases.map(([args]) => s.cli(...args, '--json')));
    for (const [i, [args, exit, code, mentions]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(exit);
      expect(r.stdout).toBe('');
      const err = jsonError(r);
      expect(err.code, args.join(' ')).toBe(code);
      expect(err.message).toContain(mentions);
      expect(err.hint).toBeTruthy();
    }
  });

  it('rejects unusable push input before uploading anything', async () => {
    const dotted = join(s.root, 'with-dotfile');
    await import('node:fs/promises').then((fs) => fs.mkdir(dotted));
    await writeFile(join(dotted, 'weights.json'), '{}');
    await writeFile(join(dotted, '.DS_Store'), 'x');
    const bad: [string[], string][] = [
      [['push', 'x/y', join(s.root, 'missing')], 'missing'],
      [['push', 'x/y', dotted], '.DS_Store'],
      [['push', 'x/y', SGD, '--meta', 'novalue'], 'novalue'],
      [['push', 'x/y', SGD, '--metadata', join(SGD, 'SGDRegressorTrainer_0.json.nope')], '.nope'],
      [['push', 'bad name', SGD], 'bad name'],
    ];
    const results = await Promise.all(bad.map(([args]) => s.cli(...args)));
    for (const [i, [args, mentions]] of bad.entries()) {
      const r = results[i]!;
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).toContain(mentions);
    }
    expect(json<{ model: string }[]>(await s.cli('ls', '--json')).map((m) => m.model)).not.toContain('x/y');
  });
});
