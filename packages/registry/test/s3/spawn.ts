// Runs a worker script from ./workers in its own Node process (through tsx), line by line.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface Worker {
  child: ChildProcess;
  /** Resolves with the first stdout line matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  stderr(): string;
}

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const live = new Set<ChildProcess>();

/** SIGKILLs every worker still running (call from afterAll, so a failed test leaves no process). */
export function killWorkers(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export function startWorker(name: string, args: string[], nodeFlags: string[] = []): Worker {
  const script = fileURLToPath(new URL(`./workers/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  child.on('exit', () => live.delete(child));
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  const seen: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) {
      seen.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    child,
    exited,
    stderr: () => err,
    waitFor(re, timeoutMs = 60_000) {
      const hit = seen.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`worker ${name} printed no line matching ${re} in ${timeoutMs} ms; stderr:\n${err}`),
            ),
          timeoutMs,
        );
        exited.then((code) =>
          setTimeout(
            () => reject(new Error(`worker ${name} exited (${code}) before ${re}; stderr:\n${err}`)),
            50,
          ),
        );
        waiters.push({
          re,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      });
    },
  };
}

/** Parses the worker's `result {json}` line. */
export async function resultOf<T>(w: Worker, timeoutMs?: number): Promise<T> {
  const line = await w.waitFor(/^result /, timeoutMs);
  return JSON.parse(line.slice('result '.length)) as T;
}
