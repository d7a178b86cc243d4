// The listing summary's behaviour (docs/layout.md, "Listing"), run against any driver whose listing
// carries etags: the in-memory driver here, Ceph RGW in test/s3/listing.test.ts. The reference is
// the head-based listing (the same driver with the capability hidden), which reads every head.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageDriver } from '../../src/drivers/driver.ts';
import { ReadOnlyStoreError } from '../../src/errors.ts';
import { headKey, INDEX_SUMMARY_KEY, indexKey } from '../../src/layout.ts';
import { encodeDocument, headSchema, parseDocument } from '../../src/schema.ts';
import { openStoreWithDriver, type Store } from '../../src/store.ts';

export interface ListingHarness {
  driver: StorageDriver;
  /** Storage requests sent so far (driver calls, or HTTP requests for a real server). */
  requests(): number;
  cleanup(): Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);
const A = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0';
const B = 'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0/nested';
const C = 'other/LinearRegression';

/** Calls counted by method name, e.g. "get index/@summary.json". */
function recording(driver: StorageDriver, calls: string[], hideEtags = false): StorageDriver {
  return new Proxy(driver, {
    get(target, prop, receiver) {
      if (prop === 'listReturnsEtags' && hideEtags) return undefined;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        calls.push(`${String(prop)} ${String(args[0])}`);
        return value.apply(target, args);
      };
    },
  });
}

export function describeListingSummary(name: string, make: () => Promise<ListingHarness>): void {
  describe(`listing summary: ${name}`, () => {
    let h: ListingHarness;
    let calls: string[];
    let store: Store;
    let reference: Store;
    beforeEach(async () => {
      h = await make();
      calls = [];
      const creator = { user: 'tester', host: 'box' };
      store = await openStoreWithDriver(recording(h.driver, calls), { create: true, creator });
      reference = await openStoreWithDriver(recording(h.driver, [], true), { creator });
    });
    afterEach(async () => {
      await h.cleanup();
    });

    const publish = (model: string, i: number) =>
      store.publish({ model, files: [{ path: 'weights.json', data: enc(`{"v":${i}}`) }] });
    const expectSameAsHeads = async (prefix?: string) => {
      const fromHeads = await reference.listModels(prefix);
      expect(await store.listModels(prefix)).toEqual(fromHeads);
      return fromHeads;
    };
    /** Requests of one listing: [storage requests, driver calls]. */
    const measure = async () => {
      calls.length = 0;
      const before = h.requests();
      const listed = await store.listModels();
      return { listed, requests: h.requests() - before, calls: [...calls] };
    };
    const writeHeadDirectly = async (model: string, change: (head: Record<string, unknown>) => void) => {
      const obj = await h.driver.get(headKey(model));
      const head: Record<string, unknown> = parseDocument(headSchema, headKey(model), obj.body);
      change(head);
      await h.driver.putIfMatch(headKey(model), encodeDocument(head), obj.etag);
    };

    it('lists what the heads say after publishes, pins, aliases and gc', async () => {
      for (let i = 1; i <= 3; i++) await publish(A, i);
      await publish(B, 1);
      await publish(C, 1);
      await publish(C, 2);
      const first = await expectSameAsHeads();
      expect(first.map((m) => m.model)).toEqual([A, B, C].sort());
      await store.pin(A, 2);
      await store.setAlias(A, 'stable', 1);
      await store.setAlias(C, 'canary', 2);
      await expectSameAsHeads();
      expect((await store.listModels()).find((m) => m.model === A)).toEqual({
        model: A,
        latest: 3,
        pin: 2,
        aliases: { stable: 1 },
      });
      await store.unpin(A);
      await store.removeAlias(C, 'canary');
      await publish(A, 4);
      await expectSameAsHeads();
      await expectSameAsHeads('rapl-sysfs/');
      await store.rollback(A);
      await store.gc({ keep: 1, graceMs: 0 });
      const last = await expectSameAsHeads();
      expect(last.find((m) => m.model === A)?.pin).toBe(2);
      expect(await store.listModelNames()).toEqual([A, B, C].sort());
    });

    it('lists an unchanged store in 2 requests: the index listing and the summary', async () => {
      for (const m of [A, B, C]) await publish(m, 1);
      await store.pin(C, 1);
      const cold = await measure();
      // The first listing reads each index entry (never a head) and writes the summary.
      expect(cold.calls.filter((c) => c.startsWith('get models/'))).toEqual([]);
      expect(cold.calls).toContain(`putCreateOnly ${INDEX_SUMMARY_KEY}`);
      const warm = await measure();
      expect(warm.listed).toEqual(cold.listed);
      expect(warm.requests).toBe(2);
      expect(warm.calls.sort()).toEqual(['get index/@summary.json', 'list index/']);
      // A change costs one more read, of the changed model's index entry only.
      await store.setAlias(B, 'stable', 1);
      const after = await measure();
      expect(after.calls.filter((c) => c.startsWith('get '))).toEqual([
        `get ${INDEX_SUMMARY_KEY}`,
        `get ${indexKey(B)}`,
      ]);
      expect(after.listed).toEqual(await reference.listModels());
      expect((await measure()).requests).toBe(2);
    });

    it('lags after a writer died between head and index, until gc repairs the entry', async () => {
      await publish(A, 1);
      await publish(A, 2);
      await store.listModels();
      // What a crash right after the head swap leaves: the head moved, the index entry did not.
      await writeHeadDirectly(A, (head) => {
        head.pin = 1;
        head.seq = 1;
      });
      expect((await reference.listModels())[0]?.pin).toBe(1);
      expect((await store.listModels())[0]?.pin).toBeNull();
      // Resolution never uses the listing: it follows the head.
      expect((await store.resolve(A)).version).toBe(1);
      await store.gc({ graceMs: 0 });
      await expectSameAsHeads();
      expect((await store.listModels())[0]?.pin).toBe(1);
      expect((await measure()).requests).toBe(2);
    });

    it('reads an index entry without `head` through its head, and never caches it', async () => {
      await publish(A, 1);
      await publish(C, 1);
      await store.listModels();
      // An entry as earlier versions wrote it.
      const old = await h.driver.get(indexKey(A));
      await h.driver.putIfMatch(
        indexKey(A),
        encodeDocument({ model: A, createdAt: new Date().toISOString() }),
        old.etag,
      );
      await expectSameAsHeads();
      // An earlier writer changes the head without touching the index: seen at once.
      await writeHeadDirectly(A, (head) => {
        head.latest = 1;
        head.aliases = { stable: 1 };
        head.seq = 1;
      });
      const next = await measure();
      expect(next.listed).toEqual(await reference.listModels());
      expect(next.calls).toContain(`get ${headKey(A)}`);
      const summary = JSON.parse(new TextDecoder().decode((await h.driver.get(INDEX_SUMMARY_KEY)).body));
      expect(Object.keys(summary.entries)).toEqual([C]);
      expect((await measure()).calls).toContain(`get ${headKey(A)}`);
    });

    it('skips models with an index entry but no head, and a summary that cannot be written', async () => {
      await publish(A, 1);
      await h.driver.putCreateOnly(
        indexKey(C),
        encodeDocument({ model: C, createdAt: new Date().toISOString() }),
      );
      const readOnly = new Proxy(h.driver, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (prop === 'putCreateOnly' || prop === 'putIfMatch')
            return async () => {
              throw new ReadOnlyStoreError(target.location);
            };
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const ro = await openStoreWithDriver(readOnly);
      expect((await ro.listModels()).map((m) => m.model)).toEqual([A]);
      expect(await h.driver.stat(INDEX_SUMMARY_KEY)).toBeUndefined();
      expect((await store.listModels()).map((m) => m.model)).toEqual([A]);
      expect(await h.driver.stat(INDEX_SUMMARY_KEY)).toBeDefined();
      expect(await store.listModelNames()).toEqual([A, C].sort());
    });
  });
}
