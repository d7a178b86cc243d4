// Availability-preserving resolution, for a watcher that serves nothing yet (a fresh boot, or a
// restart with an empty cache): when the version a plain reference resolves to is refused (it does
// not verify, is not signed under `enforce`, or cannot be decoded), the newest older version that
// passes is served instead, and the refused one is retried as the head moves or at every poll
// (a signature may be added later). Only "latest" falls back: a pin, an alias or a fixed version
// is an operator's word, and a refused one is an error, never silently replaced.
import { listPrefixes, type Store, versionFromKey, versionsPrefix } from '@modelshelf/registry';
import type { Target } from './version-policy.ts';

/** True when a refused `target` may be replaced by an older version. */
export const mayFallBack = (target: Target, serving: boolean): boolean => !serving && target.via === 'latest';

/**
 * Version numbers below `target`, newest first: one listing of the version directories, made only
 * when a fallback is needed. Uncommitted reservations are listed too; loading one fails as not found
 * and it is skipped. Manifests are not read here, so one damaged manifest cannot hide the others.
 */
export async function olderVersions(store: Store, model: string, target: Target): Promise<number[]> {
  const prefixes = await listPrefixes(store.driver, versionsPrefix(model));
  return prefixes
    .map((p) => versionFromKey(model, p))
    .filter((v): v is number => v !== undefined && v < target.version)
    .sort((a, b) => b - a);
}
