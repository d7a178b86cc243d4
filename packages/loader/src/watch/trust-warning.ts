// Trust warnings: under a `warn` policy a version that `enforce` would refuse is served anyway, and
// the operator is told once per load, in the log and as a `warning` event.
import type { TrustWarningEvent } from './events.ts';
import type { Logger } from './logger.ts';

export function warnUntrusted(
  log: Logger,
  emit: (e: TrustWarningEvent) => void,
  model: string,
  version: number,
  reason: string,
): void {
  log.warn({ version, reason }, 'serving a version that is not trusted');
  emit({ model, version, message: reason });
}
