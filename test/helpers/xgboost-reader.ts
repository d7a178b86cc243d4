// Runs test/helpers/xgboost_predict.py: XGBoost itself (Debian's python3-xgboost) loading exported boosters.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runPythonJson, SKLEARN_PYTHON } from './sklearn-reference.ts';

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
  return runPythonJson(SCRIPT, JSON.stringify({ models, x: Array.from(x), cols }));
}
