import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { INSTALL_DEPS, skipUnless } from '../support/skips.ts';

// Runs one of the python reader scripts in this directory with Debian's python (which has numpy, h5py
// and pyarmnn; the `python3` on PATH may be a different interpreter without them).

export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Empty when `modules` import fine, otherwise the reason (for a loud skip, or a failure under CI). */
export function pythonModulesMissing(modules: string[]): string {
  const probe = spawnSync(DEBIAN_PYTHON, ['-c', modules.map((m) => `import ${m}`).join('; ')], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (probe.error) return `${DEBIAN_PYTHON} cannot run: ${probe.error.message}`;
  if (probe.status !== 0)
    return `${DEBIAN_PYTHON} lacks ${modules.join(', ')}: ${probe.stderr.trim().split('\n').pop()}`;
  return '';
}

export function runReader<T>(script: string, request: unknown): T {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const result = spawnSync(DEBIAN_PYTHON, [path], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${script} exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Skips loudly on a laptop without the packages, but fails under CI where they must be installed. */
export function requirePython(
  modules: string[],
  aptPackages: string[],
  suite = 'independent reader',
): boolean {
  return skipUnless({
    suite,
    missing: pythonModulesMissing(modules) || undefined,
    enable: `${INSTALL_DEPS} (${aptPackages.join(' ')})`,
  });
}
