// Runs the real `modelshelf` binary in a child process, the way an operator or a script would.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
export const BIN = join(REPO, 'packages/cli/bin/modelshelf.js');
/** Real Kepler models (kepler-model-db, Apache-2.0; see fixtures/kepler/README.md). */
export const KEPLER_BPFONLY = join(
  REPO,
  'fixtures/kepler/kepler-model-db/models/v0.7/ec2-0.7.11/rapl-sysfs/AbsPower/BPFOnly',
);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The child sees a clean environment: no store, no colour forcing, a fixed user for the audit trail. */
function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELSHELF_USER: 'tester' };
  for (const k of ['MODELSHELF_STORE', 'FORCE_COLOR', 'NO_COLOR', 'MODELSHELF_DEBUG']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: childEnv(env), cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** A temporary store plus a runner bound to it (via --store, so MODELSHELF_STORE stays testable). */
export async function tempStore(): Promise<{
  dir: string;
  root: string;
  cli: (...args: string[]) => Promise<CliResult>;
  cleanup: () => Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'modelshelf-cli-'));
  const dir = join(root, 'store');
  return {
    dir,
    root,
    cli: (...args) => runCli(['--store', dir, ...args]),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Parses stdout as JSON, failing with the whole output in the message when it is not. */
export function json<T = unknown>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

export function jsonError(r: CliResult): {
  code: string;
  category: string;
  message: string;
  hint: string | null;
} {
  return (
    JSON.parse(r.stderr) as {
      error: { code: string; category: string; message: string; hint: string | null };
    }
  ).error;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for ANSI escape codes is the point
export const ANSI = /\u001b\[/;
