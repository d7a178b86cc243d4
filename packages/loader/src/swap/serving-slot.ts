// The swap: a single reference assignment publishes a fully loaded version, so a reader sees either
// the old model or the new one, never a half-loaded one. The old one is released afterwards:
// its `dispose()` (tfjs tensors, wasm memory) runs once BOTH
//   - every lease taken with `acquire()` on it has been released (reference count), and
//   - a grace delay has passed since the swap, for callers that used `current()` without a lease
//     and may still be inside a prediction.
import type { Served } from './served.ts';

export interface Lease<T> {
  readonly served: Served<T>;
  /** Idempotent. */
  release(): void;
}

interface Entry<T> {
  served: Served<T>;
  leases: number;
  retired: boolean;
  graceOver: boolean;
  disposed: boolean;
}

export interface ServingSlotOptions {
  /** Delay between a swap and disposing the old model when no lease holds it. Default 5000 ms. */
  disposeGraceMs?: number;
  /** Called when a model's dispose() throws (never propagated: serving goes on). */
  onDisposeError?: (err: unknown, served: Served<unknown>) => void;
}

export class ServingSlot<T> {
  private entry: Entry<T> | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Entry<T>>();

  constructor(private readonly options: ServingSlotOptions = {}) {}

  current(): Served<T> | undefined {
    return this.entry?.served;
  }

  /** Takes a lease on the current model: it will not be disposed until released. */
  acquire(): Lease<T> | undefined {
    const entry = this.entry;
    if (!entry) return undefined;
    entry.leases++;
    let released = false;
    return {
      served: entry.served,
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        this.maybeDispose(entry);
      },
    };
  }

  /** Publishes `next` and retires the previous model; returns the previous one. */
  swap(next: Served<T>): Served<T> | undefined {
    const previous = this.entry;
    this.entry = { served: next, leases: 0, retired: false, graceOver: false, disposed: false };
    if (previous) this.retire(previous, this.options.disposeGraceMs ?? 5000);
    return previous?.served;
  }

  /** Retires the current model too and disposes everything without waiting (used by close()). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.entry) this.pending.add(this.entry);
    this.entry = undefined;
    for (const e of this.pending) {
      e.retired = true;
      e.graceOver = true;
      e.leases = 0;
      this.maybeDispose(e);
    }
  }

  private retire(entry: Entry<T>, graceMs: number): void {
    entry.retired = true;
    this.pending.add(entry);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      entry.graceOver = true;
      this.maybeDispose(entry);
    }, graceMs);
    timer.unref();
    this.timers.add(timer);
  }

  private maybeDispose(entry: Entry<T>): void {
    if (entry.disposed || !entry.retired || !entry.graceOver || entry.leases > 0) return;
    entry.disposed = true;
    this.pending.delete(entry);
    const value = entry.served.value as { dispose?: () => unknown } | null;
    if (value && typeof value === 'object' && typeof value.dispose === 'function') {
      try {
        const r = value.dispose();
        if (r instanceof Promise) r.catch((err) => this.options.onDisposeError?.(err, entry.served));
      } catch (err) {
        this.options.onDisposeError?.(err, entry.served);
      }
    }
  }
}
