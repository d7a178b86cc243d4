// Integration suites need real services (scripts/ceph-dev.sh). Without them they skip loudly on a
// laptop and fail under CI=true, where the services must exist.
import { randomBytes } from 'node:crypto';
import { CEPH_UP, skipUnless, unsetEnv } from '../../../../test/support/skips.ts';

/**
 * The named variables, and whether they are all set (else the skip is announced, see
 * test/support/skips.ts). Use as: `describe.runIf(svc.ok)(…)`, reading `svc.env` inside.
 */
export function requireEnv(suite: string, names: string[]): { ok: boolean; env: Record<string, string> } {
  const ok = skipUnless({ suite, missing: unsetEnv(names), enable: CEPH_UP });
  return { ok, env: Object.fromEntries(names.map((n) => [n, process.env[n] ?? ''])) };
}

export const randomName = (label: string) =>
  `${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

export function s3StoreUri(bucket: string, endpoint: string, label: string): string {
  return `s3://${bucket}/${randomName(label)}?endpoint=${encodeURIComponent(endpoint)}`;
}
