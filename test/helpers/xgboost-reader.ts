// Runs test/helpers/xgboost_predict.py: XGBoost itself (Debian's python3-xgboost) loading exported boosters.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SKLEARN_PYTHON, singleThreaded } from './sklearn-reference.ts';

const SCRIPT = fileURLToPath(new URL('./xgboost_predict.py', import.meta.url));

/** Why XGBoost cannot run here, or undefined when it can. */
export function xgboostUnavailable(): string | undefined {
  if (!existsSync(SKLEARN_PYTHON)) return `${SKLEARN_PYTHON} not found (apt-get install python3-xgboost)`;
  const probe = spawnSync(SKLEARN_PYTHON, ['-c', 'import xgboost'], { encoding: 'utf8' });
  if (probe.status !== 0) return `python3-xgboost is not installed: ${probe.stderr.trim().split('\n').pop()}`;
  return undefined;
}

/** Booster.predict of each model file on the scaled rows `x` (rows × cols). */
export function xgboostPredict(
  models: Record<string, string>,
  x: Float64Array,
  cols: number,
): Promise<{ xgboost: string; predictions: Record<string, number[]> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SKLEARN_PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env: singleThreaded() });
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
      if (code !== 0) reject(new Error(`xgboost_predict.py exited with ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out));
    });
    child.stdin.end(JSON.stringify({ models, x: Array.from(x), cols }));
  });
}
