// Retry delays: exponential growth capped at a maximum, with "full jitter" (a uniform draw between
// half the delay and the delay), so a fleet of estimators that lost storage together does not
// come back in lockstep.

export interface BackoffOptions {
  /** First retry delay in ms. */
  baseMs: number;
  /** Upper bound in ms. */
  maxMs: number;
  /** Source of randomness in [0, 1); injectable for tests. */
  random?: () => number;
}

/** The delay before retry number `attempt` (1 = first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const random = options.random ?? Math.random;
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}
