// Resident memory of the real estimator process (`modelshelf estimator`, one Kepler weight model, after
// it has answered a request), beside a bare `node -e "setInterval(…)"` in the same run: the floor any
// Node process pays. Measured as the installed binary runs it (packages/cli/bin → the compiled dist/),
// with the NODE_OPTIONS of deploy/docker/Dockerfile (read from that file), and from the TypeScript
// sources through tsx (what the binary falls back to where dist/ was not built).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';

const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'packages/cli/bin/modelshelf.js');
const SOURCES = join(REPO, 'packages/cli/src/main.ts');

/** NODE_OPTIONS the estimator image sets (ENV NODE_OPTIONS="…" in the Dockerfile), or "" if none. */
export function imageNodeOptions(): string {
  const text = readFileSync(join(REPO, 'deploy/docker/Dockerfile'), 'utf8');
  return /^ENV NODE_OPTIONS="([^"]*)"/m.exec(text)?.[1] ?? '';
}

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function ask(socketPath: string, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    let body = '';
    s.setEncoding('utf8');
    s.on('data', (c) => (body += c));
    s.on('end', () => resolve(body));
    s.on('error', reject);
    s.write(request);
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** RSS (MiB) of a bare Node process that only keeps a timer. */
export async function baselineRssMiB(nodeOptions = ''): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    stdio: 'ignore',
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
  });
  try {
    await sleep(1500);
    return (await rssKiB(child.pid!)) / 1024;
  } finally {
    await stop(child);
  }
}

/** RSS (MiB) of `modelshelf estimator` serving `model`, 2 s after its first answer to `request`. */
export async function estimatorRssMiB(
  storeDir: string,
  model: string,
  socketPath: string,
  request: string,
  nodeOptions = '',
  throughTsx = false,
): Promise<number> {
  const entry = throughTsx ? ['--import', 'tsx', SOURCES] : [BIN];
  const child = spawn(
    process.execPath,
    [
      ...entry,
      '--store',
      storeDir,
      '--json',
      'estimator',
      '--socket',
      socketPath,
      '--metrics-port',
      '0',
      '--model',
      `rapl-sysfs/AbsPower=${model}`,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: REPO,
      // tsx's compile cache goes to the bench's scratch directory (the store's parent), removed after the run.
      env: { ...process.env, NODE_OPTIONS: nodeOptions, TMPDIR: dirname(storeDir) },
    },
  );
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  try {
    for (let i = 0; i < 200 && !existsSync(socketPath); i++) await sleep(50);
    if (!existsSync(socketPath)) throw new Error(`the estimator did not start: ${stderr}`);
    const answer = JSON.parse(await ask(socketPath, request)) as { msg: string };
    if (answer.msg !== '') throw new Error(`the estimator refused the request: ${answer.msg}`);
    await sleep(2000);
    return (await rssKiB(child.pid!)) / 1024;
  } finally {
    await stop(child);
  }
}
