// Concurrency across OS processes: publishers of one model get distinct versions; concurrent pin
// and alias moves are all recorded and applied, none silently lost.
import { describe, expect, it } from 'vitest';
import { runWorker } from '../helpers/spawn.ts';
import { openStore } from './protocol-access.ts';
import type { ProtocolStore } from './store-kind.ts';

export function describeConcurrency(
  name: string,
  makeStore: () => Promise<ProtocolStore>,
  processes = 8,
): void {
  describe(`concurrency: ${name}`, () => {
    it(`${processes} processes publishing one model at once get distinct versions`, async () => {
      const ps = await makeStore();
      const store = await openStore(ps.uri, { create: true });
      const model = 'acpi/AbsPower/BPFOnly/Concurrent_0';
      const results = await Promise.all(
        Array.from({ length: processes }, (_, id) =>
          runWorker<{ version: number }>({ mode: 'publish-once', store: ps.workerUri(id), model, id }),
        ),
      );
      const versions = results.map((r) => r.version).sort((a, b) => a - b);
      expect(new Set(versions).size).toBe(processes);
      const listed = (await store.listVersions(model)).map((r) => r.manifest.version);
      expect(listed).toEqual(versions);
      // Each version holds the bytes its own writer wrote.
      for (const v of versions) expect((await store.verify(`${model}@${v}`)).ok).toBe(true);
      expect((await store.head(model))?.latest).toBe(Math.max(...versions));
      await store.close();
    }, 240_000);

    it(`${processes} processes moving the pin and an alias at once lose no move`, async () => {
      const ps = await makeStore();
      const store = await openStore(ps.uri, { create: true });
      const model = 'acpi/AbsPower/BPFOnly/Moves_0';
      for (let i = 0; i < 3; i++)
        await store.publish({ model, files: [{ path: 'w.json', data: new Uint8Array([i]) }] });
      const perWorker = 4;
      const results = await Promise.all(
        Array.from({ length: processes }, (_, id) =>
          runWorker<{ seqs: number[] }>({
            mode: 'moves',
            store: ps.workerUri(id),
            model,
            id,
            count: perWorker,
            versions: [1, 2, 3],
          }),
        ),
      );
      const history = await store.history(model);
      expect(history).toHaveLength(processes * perWorker);
      // Sequence numbers are contiguous and each worker's moves are in the log exactly once.
      expect(history.map((e) => e.seq)).toEqual(
        Array.from({ length: processes * perWorker }, (_, i) => i + 1),
      );
      expect(results.flatMap((r) => r.seqs).sort((a, b) => a - b)).toEqual(history.map((e) => e.seq));
      // Each move's "from" is the previous move's "to" for the same ref: the moves form one chain.
      const last: Record<string, number | null> = {};
      for (const e of history) {
        expect(e.from).toBe(last[e.ref] ?? null);
        last[e.ref] = e.to;
      }
      const head = (await store.head(model))!;
      expect(head.pin).toBe(last.pin);
      expect(head.aliases.stable).toBe(last.stable);
      expect(head.seq).toBe(history.length);
      await store.close();
    }, 240_000);
  });
}
