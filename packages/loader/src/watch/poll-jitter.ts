// Steady polling with jitter: each delay between two polls is drawn uniformly from
// [interval × (1 − jitter), interval × (1 + jitter)], so its mean is the interval (the load on storage
// and the time to notice a change are unchanged on average) while a fleet of estimators that booted
// together drifts apart instead of polling the head in lockstep. Retries after failures use
// backoff.ts instead.
import { InvalidArgumentError } from '@modelshelf/registry';

/** Default ±20 %: a 5 s interval polls every 4–6 s. */
export const DEFAULT_POLL_JITTER = 0.2;

export interface PollJitterOptions {
  intervalMs: number;
  /** Fraction of the interval, 0 ≤ jitter < 1; 0 polls at exactly the interval. */
  jitter: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/** Rejects a jitter outside [0, 1) with the offending value. */
export function checkPollJitter(jitter: number): number {
  if (!Number.isFinite(jitter) || jitter < 0 || jitter >= 1)
    throw new InvalidArgumentError(
      `pollJitter must be a fraction in [0, 1) (e.g. 0.2 for ±20 % of the interval), got ${jitter}`,
    );
  return jitter;
}

/** The delay before the next steady poll. */
export function pollDelay(options: PollJitterOptions): number {
  const random = options.random ?? Math.random;
  const spread = options.intervalMs * options.jitter;
  return Math.round(options.intervalMs - spread + 2 * spread * random());
}
