import type { TrustPolicy } from '@modelshelf/registry';
import type { Registry } from 'prom-client';
import type { Decoder } from '../decode/decoder.ts';
import type { MinioHintOptions } from '../source/push-hint.ts';
import type { Logger } from './logger.ts';
import type { StoreInput } from './open-store.ts';
import { DEFAULT_POLL_JITTER } from './poll-jitter.ts';

/**
 * How changes are found:
 * - `auto` (default): poll the head every `pollIntervalMs`; on a local disk also react to native
 *   filesystem events at once. On NFS, CephFS, FUSE and SMB mounts (detected with statfs) native
 *   events never report other machines' writes, so only polling is used.
 * - `always`: poll only, never native events (for remote mounts statfs cannot identify).
 * - `never`: native events (or bucket notifications) only. Only sensible on a local disk written
 *   by the same machine; it misses writes made through another client of a shared mount.
 */
export type PollMode = 'auto' | 'always' | 'never';

export interface WatchOptions<T> {
  /** An opened Store, or a URI (directory, file:///…, s3://bucket/prefix). */
  store: StoreInput;
  /** `model` (pin, else latest), `model@<alias>` or `model@<version>`. */
  ref: string;
  /** Turns verified files into the served object. Default: the format registry's best codec. */
  decode?: Decoder<T>;
  /** Time between head polls. Default 5000 ms. */
  pollIntervalMs?: number;
  /**
   * Jitter of steady polls, a fraction of the interval in [0, 1): each delay is drawn uniformly from
   * interval × [1 − jitter, 1 + jitter] (mean: the interval), so estimators started together do not
   * poll in lockstep. Default 0.2; 0 polls at exactly the interval.
   */
  pollJitter?: number;
  poll?: PollMode;
  /**
   * Local directory for downloaded files (content-addressed by SHA-256, reused across restarts)
   * and the last good version, which is served at boot when storage is unreachable.
   * Default: none (files held in memory, no offline boot).
   */
  cacheDir?: string;
  /** pino logger; the library is silent without one. */
  logger?: Logger;
  /** prom-client registry to register the loader's metrics in. Default: a private registry. */
  metrics?: Registry;
  /** Emit `stale` when the last successful check is older than this many poll intervals. Default 3. */
  staleAfterIntervals?: number;
  /** Retry backoff after transient failures: first delay (default: the poll interval) and cap (default 60 s). */
  retry?: { baseMs?: number; maxMs?: number };
  /** Delay before an old model's dispose() when no lease holds it. Default 5000 ms. */
  disposeGraceMs?: number;
  /** MinIO ListenBucketNotification as an extra hint (polling stays on unless poll is "never"). */
  minio?: MinioHintOptions;
  /**
   * Signature policy. Under `enforce` a version without a valid signature by a trusted key is
   * never served (error event, reason "untrusted"; the current model keeps serving); under `warn`
   * it is served and a `warning` event is emitted. Default: signatures are not checked.
   */
  trust?: TrustPolicy;
}

export const DEFAULTS = {
  pollIntervalMs: 5000,
  pollJitter: DEFAULT_POLL_JITTER,
  poll: 'auto' as PollMode,
  staleAfterIntervals: 3,
  retryMaxMs: 60_000,
  disposeGraceMs: 5000,
};
