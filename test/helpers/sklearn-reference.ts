// Runs test/helpers/sklearn_reference.py (Debian's python3 with python3-sklearn) on the same rows as the
// TypeScript trainers, for parity tests and benchmarks. Timings come from inside python.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SKLEARN_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./sklearn_reference.py', import.meta.url));

export interface SklearnJob {
  features: string[];
  xTrain: Float64Array;
  xTest: Float64Array;
  yTrain: Record<string, Float64Array>;
  yTest: Record<string, Float64Array>;
  trainers: string[];
  seed: number;
  mlp?: { hidden: number[]; epochs: number };
  /** Fits per trainer and component; the fastest (wall) is reported, and the least CPU time. Default 1. */
  repeats?: number;
}

export interface SklearnScore {
  mae: number;
  fitSeconds: number;
  predictSeconds: number;
  /** CPU time (time.process_time) of fit + predict: what machine load hardly moves. */
  cpuSeconds: number;
}

export interface SklearnResult {
  sklearn: string;
  scipy: string;
  results: Record<string, Record<string, SklearnScore>>;
}

/** Why scikit-learn cannot run here, or undefined when it can. */
export function sklearnUnavailable(): string | undefined {
  if (!existsSync(SKLEARN_PYTHON)) return `${SKLEARN_PYTHON} not found (apt-get install python3-sklearn)`;
  const probe = spawnSync(SKLEARN_PYTHON, ['-c', 'import sklearn, scipy, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) return `python3-sklearn is not installed: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

/**
 * One OpenMP thread unless the caller chose otherwise: modelshelf's trainers are single-threaded, and on a small
 * shared machine OpenMP's spinning worker threads (HistGradientBoosting, XGBoost) slow down by 10-100×.
 */
export function singleThreaded(): NodeJS.ProcessEnv {
  return { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' };
}

export function runSklearn(job: SklearnJob): Promise<SklearnResult> {
  const plain = (rec: Record<string, Float64Array>) =>
    Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, Array.from(v)]));
  const body = JSON.stringify({
    ...job,
    xTrain: Array.from(job.xTrain),
    xTest: Array.from(job.xTest),
    yTrain: plain(job.yTrain),
    yTest: plain(job.yTest),
  });
  return runPythonJson<SklearnResult>(SCRIPT, body);
}

/**
 * Runs a Python script of these helpers with Debian's python, single-threaded: the JSON `input` on its
 * stdin, its stdout parsed as JSON; a non-zero exit rejects with the end of its stderr.
 */
export function runPythonJson<T>(script: string, input: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(SKLEARN_PYTHON, [script], { stdio: ['pipe', 'pipe', 'pipe'], env: singleThreaded() });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const name = script.split('/').pop();
      if (code !== 0) reject(new Error(`${name} exited with ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out) as T);
    });
    child.stdin.end(input);
  });
}
