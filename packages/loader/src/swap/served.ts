import type { Manifest } from '@modelshelf/registry';

/** One loaded version, as estimators see it. Immutable once published by a swap. */
export interface Served<T> {
  model: string;
  version: number;
  /** "sha256:<hex>" of the manifest: one digest for the whole version. */
  digest: string;
  manifest: Manifest;
  /** The manifest's metadata (mae, features, … for Kepler models). */
  metadata: Record<string, unknown>;
  /** The decoded model. */
  value: T;
  /** How the reference resolved: "pin", "alias", "latest", "version", or "cache" at an offline boot. */
  via: 'pin' | 'alias' | 'latest' | 'version' | 'cache';
  /** True when it came from the local cache because storage was unreachable at boot. */
  fromCache: boolean;
  loadedAt: Date;
}
