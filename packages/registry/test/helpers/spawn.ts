import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

const WORKER_SOURCE = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** Bundles live beside the dependencies, one per distinct content: nothing is left in /tmp. */
const CACHE_DIR = fileURLToPath(
  new URL('../../../../node_modules/.cache/modelshelf-test-worker/', import.meta.url),
);
let bundled: string | undefined;

/**
 * The worker bundled to one plain JS file, built once per test process: crash tests start a
 * hundred short-lived processes, and plain node starts them several times faster than tsx.
 * The file is named by the hash of its content (written once, atomically), so concurrent test
 * processes share it and a test process killed by vitest leaves nothing behind.
 */
function workerBundle(): string {
  if (!bundled) {
    const result = buildSync({
      entryPoints: [WORKER_SOURCE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      outfile: join(CACHE_DIR, 'worker.mjs'),
      logLevel: 'error',
      // CommonJS dependencies inside an ESM bundle still call require().
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    const code = result.outputFiles[0]!.contents;
    const out = join(CACHE_DIR, `worker-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(out)) {
      mkdirSync(CACHE_DIR, { recursive: true });
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, code);
      renameSync(tmp, out);
    }
    bundled = out;
  }
  return bundled;
}

const live = new Set<ChildProcess>();

/** SIGKILLs (by pid) every worker this test process started that still runs: call from afterAll. */
export function killWorkers(): void {
  for (const child of live) {
    if (child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGCONT'); // a stopped process would not die until continued
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
  }
  live.clear();
}

export interface WorkerOptions {
  /** Extra environment, e.g. LD_PRELOAD of libfaketime for a writer whose clock is off. */
  env?: Record<string, string>;
}

/** Starts the test worker in a separate OS process. */
export function startWorker(job: Record<string, unknown>, options: WorkerOptions = {}): ChildProcess {
  const child = spawn(process.execPath, [workerBundle(), JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** Runs the worker to completion and returns its parsed last stdout line. */
export function runWorker<T>(job: Record<string, unknown>, options: WorkerOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = startWorker(job, options);
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
