// Staleness: how long since a check last reached storage. A watcher that cannot reach storage keeps
// serving what it has; this tells the operator (a `stale` event once past the threshold, then a
// `recovered` event when a check succeeds again).
import type { RecoveredEvent, StaleEvent } from './events.ts';
import type { Logger } from './logger.ts';

export interface StalenessOptions {
  model: string;
  /** Silence longer than this is stale. */
  staleAfterMs: number;
  log: Logger;
  onStale: (e: StaleEvent) => void;
  onRecovered: (e: RecoveredEvent) => void;
}

export class StalenessTracker {
  private lastSuccessAt: number | undefined;
  private readonly startedAt = Date.now();
  private staleSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StalenessOptions) {}

  /** Starts looking every `everyMs` (at most once a second). */
  start(everyMs: number): void {
    this.timer = setInterval(() => this.look(), Math.min(everyMs, 1000));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A check reached storage at `now`. */
  succeeded(now = Date.now()): void {
    if (this.staleSince !== undefined) {
      const afterMs = now - (this.lastSuccessAt ?? this.startedAt);
      this.staleSince = undefined;
      this.options.log.info({ afterMs }, 'storage reachable again');
      this.options.onRecovered({ model: this.options.model, afterMs });
    }
    this.lastSuccessAt = now;
  }

  private look(): void {
    if (this.staleSince !== undefined) return;
    const since = Date.now() - (this.lastSuccessAt ?? this.startedAt);
    if (since <= this.options.staleAfterMs) return;
    this.staleSince = Date.now();
    const lastSuccessfulCheckAt = this.lastSuccessAt === undefined ? undefined : new Date(this.lastSuccessAt);
    this.options.log.warn(
      { sinceMs: since },
      'no successful check for a while; serving what was last loaded',
    );
    this.options.onStale({ model: this.options.model, lastSuccessfulCheckAt, sinceMs: since });
  }
}
