// Crash safety: publishers killed with SIGKILL at random instants never leave a visible partial
// version; verify stays clean; gc reclaims the debris once its grace period has passed.
// Written against a ProtocolStore so it runs on every store kind (protocol-suite.ts).
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startWorker, waitReady } from '../helpers/spawn.ts';
import { listAll, listVersionNumbersForTest, openStore } from './protocol-access.ts';
import type { ProtocolStore } from './store-kind.ts';

export interface CrashSuiteOptions {
  trials: number;
  /** Workers killed in parallel per round (each is one trial). */
  parallel: number;
  /** Upper bound of the random delay between "ready" and SIGKILL. */
  maxKillDelayMs: number;
  /** Size of the file each publisher streams slowly. */
  blobBytes: number;
  /** Counts uncommitted in-flight data (fs temp files, S3 multipart uploads) to prove some kills landed mid-file. */
  countDebris: (store: ProtocolStore) => Promise<number>;
}

export function describeCrashSafety(
  name: string,
  makeStore: () => Promise<ProtocolStore>,
  o: CrashSuiteOptions,
): void {
  describe(`crash safety: ${name}`, () => {
    it(`${o.trials} publishers killed at random points leave no partial version, and gc cleans up`, async () => {
      const ps = await makeStore();
      const store = await openStore(ps.uri, { create: true });
      const model = 'rapl-sysfs/AbsPower/BPFOnly/CrashTest_0';
      let midFile = 0;
      const verified = new Set<number>();
      const started = Date.now();
      let rng = 12345;
      const random = () => {
        rng = (rng * 1103515245 + 12345) % 2 ** 31;
        return rng / 2 ** 31;
      };

      for (let done = 0; done < o.trials; done += o.parallel) {
        const round = Array.from({ length: Math.min(o.parallel, o.trials - done) }, (_, k) =>
          (async () => {
            const id = done + k;
            const child = startWorker({
              mode: 'publish',
              store: ps.workerUri(id),
              model,
              id,
              blobBytes: o.blobBytes,
            });
            await waitReady(child);
            await sleep(random() * o.maxKillDelayMs);
            const exited = new Promise((r) => child.on('exit', r));
            child.kill('SIGKILL');
            await exited;
          })(),
        );
        await Promise.all(round);
        midFile += (await o.countDebris(ps)) > 0 ? 1 : 0;

        // After every round: every version that became visible is complete and intact (versions are
        // immutable, so each is re-hashed once here and all of them again at the end).
        for (const rec of await store.listVersions(model).catch(() => [])) {
          if (verified.has(rec.manifest.version)) continue;
          const report = await store.verify(`${model}@${rec.manifest.version}`);
          expect(report.problems).toEqual([]);
          verified.add(rec.manifest.version);
        }
      }
      expect(midFile, 'some kills must land while a file was being written').toBeGreaterThan(0);
      console.log(
        `crash suite (${name}): ${o.trials} SIGKILLs in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `${midFile} rounds left in-flight data, ${verified.size} versions committed`,
      );

      const committed = await store.listVersions(model).catch(() => []);
      const all = await listVersionNumbersForTest(store, model);
      // Some kills happen before the commit: those versions exist only as invisible reservations.
      expect(all.length).toBeGreaterThan(committed.length);
      for (const r of await store.verifyAll()) expect(r.problems).toEqual([]);
      // Each committed version resolves by number, even if its publisher died before the head knew it.
      for (const c of committed)
        expect((await store.resolve(`${model}@${c.manifest.version}`)).version).toBe(c.manifest.version);

      // Within the grace period nothing is reclaimed; past it, every reservation and temp file goes.
      const early = await store.gc({ graceMs: 3_600_000, keep: 1000 });
      expect(early.actions.filter((a) => a.kind === 'reclaim-reservation')).toEqual([]);
      const report = await store.gc({ graceMs: 0, keep: 1000 });
      const reclaimed = report.actions.filter((a) => a.kind === 'reclaim-reservation').length;
      expect(reclaimed).toBe(all.length - committed.length);
      // gc raised the head to the newest committed version (or created it, if the only publishers
      // that committed were killed before their head update).
      if (committed.length > 0) {
        const newest = Math.max(...committed.map((c) => c.manifest.version));
        expect((await store.head(model))?.latest).toBe(newest);
        expect((await store.resolve(model)).version).toBe(newest);
      }
      expect(await o.countDebris(ps)).toBe(0);
      const left: string[] = [];
      for (const n of all) {
        if (committed.some((c) => c.manifest.version === n)) continue;
        for await (const obj of listAll(store.driver, `models/${model}/@versions/${n}/files/`))
          left.push(obj.key);
      }
      expect(left).toEqual([]);
      // The committed versions are untouched and still verify.
      expect((await store.listVersions(model).catch(() => [])).length).toBe(committed.length);
      for (const r of await store.verifyAll()) expect(r.problems).toEqual([]);
      // A new publisher still gets a fresh number above every reclaimed one.
      const fresh = await store.publish({ model, files: [{ path: 'w.json', data: new Uint8Array([1]) }] });
      expect(fresh.version).toBeGreaterThan(Math.max(...all));
      await store.close();
    }, 600_000);
  });
}
