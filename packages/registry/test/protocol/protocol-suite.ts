// The process-level protocol suite, written once and run on every store kind (like the driver
// conformance suite): SIGKILLs at random points, 8 concurrent publishers, concurrent ref moves,
// gc racing publishers and movers.
import { afterAll, describe } from 'vitest';
import { killWorkers } from '../helpers/spawn.ts';
import { describeConcurrency } from './concurrency-suite.ts';
import { describeCrashSafety } from './crash-suite.ts';
import { describeGcRace } from './gc-race-suite.ts';
import type { ProtocolStore, StoreKind } from './store-kind.ts';

export function describeProtocol(kind: StoreKind, o: { trials?: number } = {}): void {
  describe(`protocol suite: ${kind.name}`, () => {
    const stores: ProtocolStore[] = [];
    const make = async () => {
      const s = await kind.makeStore();
      stores.push(s);
      return s;
    };
    afterAll(async () => {
      killWorkers();
      for (const s of stores) await s.cleanup();
    });
    describeConcurrency(kind.name, make, 8);
    describeGcRace(kind.name, make);
    describeCrashSafety(kind.name, make, {
      trials: o.trials ?? 100,
      parallel: kind.parallel,
      maxKillDelayMs: kind.maxKillDelayMs,
      blobBytes: kind.blobBytes,
      countDebris: (s) => kind.countDebris(s),
    });
  });
}
