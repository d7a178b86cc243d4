// Runs test/helpers/kepler_sidecar_reference.py (numpy under Debian's python3): what kepler-model-server's
// Python estimator answers for a weight file and a request, computed independently of the TypeScript.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REFERENCE_PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./kepler_sidecar_reference.py', import.meta.url));

/** Why numpy cannot run here, or undefined when it can. */
export function numpyUnavailable(): string | undefined {
  if (!existsSync(REFERENCE_PYTHON)) return `${REFERENCE_PYTHON} not found (apt-get install python3-numpy)`;
  const probe = spawnSync(REFERENCE_PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `numpy is not installed: ${probe.stderr.trim().split('\n').pop()}`;
}

export interface SidecarJob {
  weights: unknown;
  trainer: string;
  metrics: string[];
  values: number[][];
}

export function sidecarReference(job: SidecarJob): Record<string, number[]> {
  const r = spawnSync(REFERENCE_PYTHON, [SCRIPT], { input: JSON.stringify(job), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kepler_sidecar_reference.py failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { powers: Record<string, number[]> }).powers;
}
