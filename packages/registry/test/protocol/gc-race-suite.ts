// gc racing publishers and ref movers in other processes, with a grace period (1 s) that every other
// publish outlasts (it waits before its commit until a gc round has seen it past the grace period),
// and keep = 2 (it deletes old versions as new ones commit).
// Each reservation ends either committed or tombstoned, never both; nothing partial is ever visible;
// protected versions survive; every ref move is in the log and applied.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWorker } from '../helpers/spawn.ts';
import { openStore } from './protocol-access.ts';
import type { ProtocolStore } from './store-kind.ts';

// gc's grace period; the slow publishes outlast it (they are told it, and wait past it).
const GRACE_MS = 1000;

export function describeGcRace(name: string, makeStore: () => Promise<ProtocolStore>): void {
  describe(`gc races: ${name}`, () => {
    it('gc with a short grace period racing 4 publishers and 2 movers: no partial version, no lost move', async () => {
      const ps = await makeStore();
      const store = await openStore(ps.uri, { create: true });
      const model = 'acpi/AbsPower/BPFOnly/GcRace_0';
      const stopDir = await mkdtemp(join(tmpdir(), 'modelshelf-gc-race-'));
      const stopFile = join(stopDir, 'publishers-done');
      const gcRoundsFile = join(stopDir, 'gc-rounds');
      // Versions 1-3 carry permanent aliases, so gc must keep them while the movers point at them.
      for (let i = 1; i <= 3; i++) {
        await store.publish({ model, files: [{ path: 'w.json', data: new Uint8Array([i]) }] });
        await store.setAlias(model, `keep${i}`, i);
      }
      const publishers = Array.from({ length: 4 }, (_, k) =>
        runWorker<{ committed: number[]; reclaimed: number; slowReclaimed: number }>({
          mode: 'publish-n',
          store: ps.workerUri(k),
          model,
          id: k,
          count: 3,
          graceMs: GRACE_MS,
          gcRoundsFile,
        }),
      );
      const movers = Array.from({ length: 2 }, (_, k) =>
        runWorker<{ seqs: number[] }>({
          mode: 'moves',
          store: ps.workerUri(4 + k),
          model,
          id: k,
          count: 4,
          versions: [1, 2, 3],
        }),
      );
      const gcs = Array.from({ length: 2 }, (_, k) =>
        runWorker<{ actions: number }>({
          mode: 'gc',
          store: ps.workerUri(6 + k),
          model,
          id: k,
          // gc runs until the publishers are done, however late they start or slowly they go on a
          // loaded client (a fixed 30 rounds once ended before any publish was slow enough to reclaim).
          count: 1000,
          untilFile: stopFile,
          gcRoundsFile,
          graceMs: GRACE_MS,
          pauseMs: 400,
        }),
      );
      const published = Promise.all(publishers).finally(() => writeFile(stopFile, ''));
      const [pub, mov] = await Promise.all([published, Promise.all(movers), Promise.all(gcs)]).finally(() =>
        rm(stopDir, { recursive: true, force: true }),
      );

      const committed = pub.flatMap((p) => p.committed);
      const reclaimed = pub.reduce((n, p) => n + p.reclaimed, 0);
      expect(committed.length + reclaimed).toBe(12);
      // Each publisher's second publish outlasted the grace period and a gc round, so gc reclaimed
      // all four; a fast one may go too where a publish takes longer than the grace period (CephFS).
      const slowReclaimed = pub.reduce((n, p) => n + p.slowReclaimed, 0);
      expect(slowReclaimed, 'gc reclaimed the slow publishes before they committed').toBe(4);
      const listed = (await store.listVersions(model)).map((v) => v.manifest.version);
      // Everything listed was committed by someone; the protected versions are all there.
      for (const v of listed) expect([1, 2, 3, ...committed]).toContain(v);
      for (const v of [1, 2, 3]) expect(listed).toContain(v);
      for (const r of await store.verifyAll()) expect(r.problems).toEqual([]);
      // A reclaimed publish left nothing visible at its number.
      const head = (await store.head(model))!;
      expect(head.latest).toBe(Math.max(3, ...committed));
      // Moves: 3 alias sets, then 2 × 4 moves, contiguous and chained.
      const history = await store.history(model);
      expect(history.map((e) => e.seq)).toEqual(Array.from({ length: 3 + 8 }, (_, i) => i + 1));
      expect(mov.flatMap((m) => m.seqs).sort((a, b) => a - b)).toEqual(history.slice(3).map((e) => e.seq));
      const last: Record<string, number | null> = {};
      for (const e of history) {
        expect(e.from).toBe(last[e.ref] ?? null);
        last[e.ref] = e.to;
      }
      expect(head.pin).toBe(last.pin);
      expect(head.aliases.stable).toBe(last.stable);
      // What gc reclaimed stays reclaimed: a fresh publish gets a number above everything used.
      const fresh = await store.publish({ model, files: [{ path: 'w.json', data: new Uint8Array([9]) }] });
      expect(fresh.version).toBeGreaterThan(Math.max(3, ...committed));
      await store.close();
    }, 300_000);
  });
}
