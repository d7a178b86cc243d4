// Runs the watcher's check serially: on a timer (polling, or retry backoff) and whenever a hint
// source wakes it (native fs event, bucket notification). Wakes that arrive while a check runs are
// coalesced into exactly one more check right after it, so no change is missed and none is
// checked twice in parallel.

/** A check returns the delay before the next timed check, or undefined for none (event-driven only). */
export type Check = () => Promise<number | undefined>;

export class CheckScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly check: Check) {}

  /** Runs a check now (or right after the one in progress); resolves when that check is done. */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    let next: number | undefined;
    do {
      this.again = false;
      next = await this.check().catch(() => undefined);
    } while (this.again && !this.stopped);
    if (this.stopped || next === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.wake();
    }, next);
  }

  /** Stops timers; waits for a check in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
