// The README's "The CLI in one minute" block, run as written: after the documented install step
// (`pnpm install` — vitest's global setup builds the binary — then `pnpm run install-cli`, here into a
// temporary npm prefix put first on PATH), from a temporary directory outside the repository that
// holds the files the block names (`fixtures/`, linked). Three substitutions keep it off shared
// paths: the store is a temporary directory, the estimator's socket too, and its metrics endpoint
// takes any free port. `watch` and `estimator` run until stopped: each must print its first line,
// then exit 0 on SIGINT / SIGTERM. A line that needs a service (s3://, --prometheus) is skipped
// loudly without one, and fails under CI=true.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const LONG_RUNNING = /^modelshelf (watch|estimator)\b/;
const NEEDS_SERVICE = /s3:\/\/|--prometheus\b/;

/** The command lines of the fenced sh block under `heading`, continuation lines joined, comments dropped. */
function shellBlock(markdown: string, heading: string): string[] {
  const section = markdown.slice(markdown.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no sh block under ${heading}`);
  const joined = block.replace(/\\\n\s*/g, '');
  return joined
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const bash = (script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Run> =>
  new Promise((done) => {
    execFile('bash', ['-c', script], { env, cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });

/** Starts a long-running line, waits for its first stdout line, stops it with `signal`, returns its exit. */
function untilFirstLine(script: string, env: NodeJS.ProcessEnv, cwd: string, signal: NodeJS.Signals) {
  return new Promise<Run & { first: string }>((done, fail) => {
    // exec: the signal goes to modelshelf itself, not to a bash waiting for it.
    const child: ChildProcess = spawn(
      'bash',
      ['-c', script.replace(/(^|\n)(modelshelf [^\n]*)$/, '$1exec $2')],
      {
        env,
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let first = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`no output within 90 s from: ${script}\nstderr:\n${stderr}`));
    }, 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk;
      if (!first && stdout.includes('\n')) {
        first = stdout.split('\n')[0]!;
        child.kill(signal);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, first });
    });
  });
}

describe('README: the CLI in one minute', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let lines: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'modelshelf-readme-'));
    await symlink(join(REPO, 'fixtures'), join(dir, 'fixtures'));
    env = { ...process.env, npm_config_prefix: join(dir, 'npm-prefix') };
    for (const k of ['MODELSHELF_STORE', 'FORCE_COLOR', 'MODELSHELF_DEBUG']) delete env[k];
    const install = await bash('pnpm run --silent install-cli', env, REPO);
    expect(install.code, install.stderr).toBe(0);
    env.PATH = `${join(dir, 'npm-prefix', 'bin')}:${env.PATH}`;
    lines = shellBlock(await readFile(join(REPO, 'README.md'), 'utf8'), '## The CLI in one minute').map(
      (line) =>
        line
          .replace(/^export MODELSHELF_STORE=\S+/, `export MODELSHELF_STORE=${join(dir, 'store')}`)
          .replace('/tmp/estimator.sock', join(dir, 'estimator.sock'))
          .replace(/^(modelshelf estimator\b.*)$/, '$1 --metrics-port 0'),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds `modelshelf` on the PATH, outside the repository', async () => {
    const r = await bash('command -v modelshelf && modelshelf --version', env, dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(dir, 'npm-prefix', 'bin', 'modelshelf'));
  });

  it('runs every line as written', async () => {
    expect(lines.length).toBeGreaterThan(10);
    const assignments = lines.filter((l) => /^(export )?[A-Z_]+=/.test(l));
    const runnable: string[] = [];
    for (const line of lines) {
      if (NEEDS_SERVICE.test(line)) {
        const why = `README line needs a service: ${line}`;
        if (process.env.CI === 'true') throw new Error(`${why} (CI=true: the service is required)`);
        console.warn(`SKIPPED ${why}`);
        continue;
      }
      runnable.push(line);
    }
    const batch = runnable.filter((l) => !LONG_RUNNING.test(l));
    // -e: the first failing line stops the run; -x: stderr then shows which one it was.
    const r = await bash(`set -ex\n${batch.join('\n')}`, env, dir);
    expect(r.code, `${r.stderr.slice(-4000)}`).toBe(0);
    expect(r.stdout).toContain('rapl-sysfs/AbsPower/CounterOnly/LinearRegressionTrainer_0');

    for (const line of runnable.filter((l) => LONG_RUNNING.test(l))) {
      const signal = line.startsWith('modelshelf watch') ? 'SIGINT' : 'SIGTERM';
      const run = await untilFirstLine(`${assignments.join('\n')}\n${line}`, env, dir, signal);
      expect(run.code, `${line}\n${run.stderr}`).toBe(0);
      expect(run.first, line).not.toBe('');
    }
  }, 600_000);
});
