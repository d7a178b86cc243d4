// Integration suites of the registry need real services (scripts/ceph-dev.sh): two ceph-fuse mounts
// of one CephFS, an S3 endpoint. Without them they skip loudly on a laptop and fail under CI=true.
import { it } from 'vitest';

export function requireEnv(suite: string, names: string[]): Record<string, string> | undefined {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length === 0) return Object.fromEntries(names.map((n) => [n, process.env[n] as string]));
  const why = `${suite}: ${missing.join(', ')} unset; run eval "$(scripts/ceph-dev.sh up)"`;
  if (process.env.CI === 'true') {
    it(`requires ${missing.join(', ')}`, () => {
      throw new Error(`${why} (CI=true: the service is required)`);
    });
  } else {
    console.warn(`SKIPPED ${why}`);
    it.skip(`requires ${missing.join(', ')}`, () => {});
  }
  return undefined;
}

/** Root privileges are needed to mount a small tmpfs or remount read-only. */
export function requireRoot(suite: string): boolean {
  if (process.getuid?.() === 0) return true;
  const why = `${suite}: needs root (mount -t tmpfs, mount -o remount,ro)`;
  if (process.env.CI === 'true') {
    it('requires root', () => {
      throw new Error(`${why} (CI=true: .ci/run runs as root)`);
    });
  } else {
    console.warn(`SKIPPED ${why}`);
    it.skip('requires root', () => {});
  }
  return false;
}
