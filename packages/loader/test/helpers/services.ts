// Integration suites need real services (scripts/ceph-dev.sh). Without them they skip loudly on a
// laptop and fail under CI=true, where the services must exist.
import { randomBytes } from 'node:crypto';
import { it } from 'vitest';

export function requireEnv(suite: string, names: string[]): Record<string, string> | undefined {
  const missing = names.filter((n) => !process.env[n]);
  if (missing.length === 0) return Object.fromEntries(names.map((n) => [n, process.env[n] as string]));
  const why = `${suite}: ${missing.join(', ')} unset; run eval "$(bash scripts/ceph-dev.sh up)"`;
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

export const randomName = (label: string) =>
  `${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

export function s3StoreUri(bucket: string, endpoint: string, label: string): string {
  return `s3://${bucket}/${randomName(label)}?endpoint=${encodeURIComponent(endpoint)}`;
}
