// Integration suites of the registry need real services (scripts/ceph-dev.sh): two ceph-fuse mounts
// of one CephFS, an S3 endpoint, root for mounting. They skip through the repository's one skip
// helper (test/support/skips.ts): loudly and listed at the end of the run on a laptop, failing under CI=true.
import { it } from 'vitest';
import { CEPH_UP, skipUnless, unsetEnv } from '../../../../test/support/skips.ts';

/** These suites return early instead of wrapping their tests: one skipped test stands for them. */
function skipped(suite: string, ok: boolean): boolean {
  if (!ok && process.env.CI !== 'true') it.skip(`${suite} (not run here)`, () => {});
  return ok;
}

export function requireEnv(suite: string, names: string[]): Record<string, string> | undefined {
  if (!skipped(suite, skipUnless({ suite, missing: unsetEnv(names), enable: CEPH_UP }))) return undefined;
  return Object.fromEntries(names.map((n) => [n, process.env[n] as string]));
}

/** Root privileges are needed to mount a small tmpfs or remount read-only. */
export function requireRoot(suite: string): boolean {
  const ok = skipUnless({
    suite,
    missing: process.getuid?.() === 0 ? undefined : 'needs root (mount -t tmpfs, mount -o remount,ro)',
    enable: 'sudo pnpm test (.ci/run runs as root)',
  });
  return skipped(suite, ok);
}
