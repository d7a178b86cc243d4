import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const WORKER_SOURCE = fileURLToPath(new URL('./worker.ts', import.meta.url));
let bundled: string | undefined;

/**
 * The worker bundled to one plain JS file, built once per test process: crash tests start a
 * hundred short-lived processes, and plain node starts them several times faster than tsx.
 */
function workerBundle(): string {
  if (!bundled) {
    const out = join(mkdtempSync(join(tmpdir(), 'modelshelf-worker-')), 'worker.mjs');
    buildSync({
      entryPoints: [WORKER_SOURCE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: out,
      logLevel: 'error',
      // CommonJS dependencies inside an ESM bundle still call require().
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    bundled = out;
  }
  return bundled;
}

/** Starts the test worker in a separate OS process. */
export function startWorker(job: Record<string, unknown>): ChildProcess {
  return spawn(process.execPath, [workerBundle(), JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the worker to completion and returns its parsed last stdout line. */
export function runWorker<T>(job: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = startWorker(job);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as T);
    });
  });
}

/** Resolves once the worker prints "ready" (its start-up is done). */
export function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      if (buf.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}
