// What a new user meets in the first hour, through the binary: every message names the offending
// value, says what went wrong and gives the hint that fixes it (and never echoes binary input).
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonError, REPO, runCli, tempStore } from './helpers/cli.ts';

const PROM = join(
  REPO,
  'fixtures/kepler/kepler-model-server/tests/data/prom_output/prom_response_2023-09.json',
);

let env: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  env = await tempStore();
  expect((await env.cli('init')).code).toBe(0);
});
afterAll(() => env.cleanup());

describe('stores', () => {
  it('a missing store path says the directory does not exist', async () => {
    const where = join(env.root, 'modles');
    const r = await runCli(['--json', '--store', where, 'ls']);
    expect(r.code).toBe(2);
    expect(jsonError(r)).toMatchObject({
      message: `${where} is not a modelshelf store: the directory does not exist`,
      hint: expect.stringContaining('typo'),
    });
  });

  it('a plain file says it is a file, not a directory', async () => {
    const file = join(env.root, 'notes.txt');
    await writeFile(file, 'x');
    const r = await runCli(['--json', '--store', file, 'ls']);
    expect(jsonError(r)).toMatchObject({
      message: `${file} is not a modelshelf store: it is a file, not a directory`,
      hint: expect.stringContaining('modelshelf.json'),
    });
  });

  it('init refuses a missing parent directory unless --parents', async () => {
    const where = join(env.root, 'typo', 'store');
    const r = await runCli(['--json', '--store', where, 'init']);
    expect(r.code).toBe(2);
    expect(jsonError(r)).toMatchObject({
      message: `cannot create a store at ${where}: its parent directory ${join(env.root, 'typo')} does not exist`,
      hint: expect.stringContaining('--parents'),
    });
    expect(existsSync(join(env.root, 'typo'))).toBe(false);
    const ok = await runCli(['--store', where, 'init', '--parents']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(existsSync(join(where, 'modelshelf.json'))).toBe(true);
  });

  it('S3 without credentials says none were found and nothing was sent (not "refused")', async () => {
    const r = await runCli(['--json', '--store', 's3://bucket/p?endpoint=http://127.0.0.1:9', 'ls'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: join(env.root, 'no-credentials'),
      AWS_CONFIG_FILE: join(env.root, 'no-config'),
      // Never ask a cloud metadata endpoint from a test.
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    });
    const e = jsonError(r);
    expect(e.message).toBe(
      'no S3 credentials found for s3://bucket/p: nothing was sent to http://127.0.0.1:9',
    );
    expect(e.message).not.toMatch(/refused/);
    expect(e.hint).toContain('AWS_ACCESS_KEY_ID');
  });
});

describe('predict', () => {
  it('an unknown model hints at ls and versions, not at a watcher', async () => {
    const rows = join(env.root, 'rows.json');
    await writeFile(rows, JSON.stringify({ features: { bpf_cpu_time_ms: 1 } }));
    const r = await env.cli(
      '--json',
      'predict',
      'rapl-sysfs/AbsPower/BPFOnly/NoSuchTrainer_0',
      '--input',
      rows,
    );
    expect(r.code).toBe(3);
    const e = jsonError(r);
    expect(e.message).toContain('"rapl-sysfs/AbsPower/BPFOnly/NoSuchTrainer_0"');
    expect(e.hint).toContain('modelshelf ls');
    expect(e.hint).not.toMatch(/watcher|polling/);
  });
});

describe('train --data', () => {
  it('a binary file is named as binary and none of its bytes reach the terminal', async () => {
    const junk = join(env.root, 'junk.bin');
    await writeFile(
      junk,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0xff]),
    );
    const r = await env.cli('train', '--data', junk, '--energy-source', 'rapl-sysfs', '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`"${junk}" is a binary file, not training data`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must not appear
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/);
  });

  it('a text file that is neither JSON nor CSV says both are accepted', async () => {
    const readme = join(env.root, 'README.md');
    await writeFile(readme, '# modelshelf\n\nsome text\n');
    const r = await env.cli(
      '--json',
      'train',
      '--data',
      readme,
      '--energy-source',
      'rapl-sysfs',
      '--dry-run',
    );
    expect(jsonError(r)).toMatchObject({
      message: `"${readme}" is neither a saved query_range JSON nor a CSV: unexpected "#"; it starts with "# modelshelf"`,
      hint: expect.stringContaining('.csv'),
    });
  });

  it('the table explains n/a for components measured at 0 W, and the rows it trained on', async () => {
    const r = await env.cli(
      'train',
      '--data',
      PROM,
      '--energy-source',
      'rapl-sysfs',
      '--trainers',
      'LinearRegressionTrainer',
      '--feature-groups',
      'CounterOnly',
      '--output-types',
      'AbsPower',
      '--dry-run',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('188 rows extracted');
    expect(r.stdout).toContain('187 of the 188, 10% of them held out');
    expect(r.stdout).toMatch(/LinearRegressionTrainer_0 .* 0\/n\/a +0\/n\/a .* 168\/19/);
    expect(r.stdout).not.toContain('/-1');
    expect(r.stdout).toContain('n/a: no held-out row had measured core, uncore power above 0 W');
  });
});

describe('estimator', () => {
  let taken: Server;
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('a metrics port already in use is named, with the option that fixes it', async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    await mkdir(join(env.root, 'sock'), { recursive: true });
    const socket = join(env.root, 'sock', 'est.sock');
    const r = await env.cli('--json', 'estimator', '--socket', socket, '--metrics-port', String(port));
    expect(r.code).toBe(2);
    const e = jsonError(r);
    expect(e.message).toBe(
      `cannot serve metrics on 127.0.0.1:${port}: the port is already in use (another estimator on this node?)`,
    );
    expect(e.hint).toContain('--metrics-port 0');
    expect(existsSync(socket)).toBe(false);
  });
});
