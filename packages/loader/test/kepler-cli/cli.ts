// Runs the real `modelshelf` binary against a temporary filesystem store, as an operator would.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO = new URL('../../../../', import.meta.url).pathname;
const BIN = join(REPO, 'packages/cli/bin/modelshelf.js');
/** kepler-model-db fixture tree (Apache-2.0; see fixtures/kepler/README.md). */
export const KEPLER_DB = join(REPO, 'fixtures/kepler/kepler-model-db');
export const EC2_BPF = join(KEPLER_DB, 'models/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], stdin?: string): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELSHELF_USER: 'tester' };
  for (const k of ['MODELSHELF_STORE', 'FORCE_COLOR', 'NO_COLOR', 'MODELSHELF_DEBUG']) delete env[k];
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env, cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

export async function tempStore() {
  const root = await mkdtemp(join(tmpdir(), 'modelshelf-kepler-cli-'));
  const dir = join(root, 'store');
  const cli = (...args: string[]) => runCli(['--store', dir, ...args]);
  await cli('init');
  return {
    root,
    dir,
    cli,
    /** The same, with `stdin` piped to the child. */
    cliIn: (stdin: string, ...args: string[]) => runCli(['--store', dir, ...args], stdin),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

export function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}
