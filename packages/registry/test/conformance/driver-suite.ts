// The one conformance suite every storage driver must pass, unchanged. It checks the primitives
// the protocol relies on: create-only writes, compare-and-swap, conditional reads, paginated and
// delimited listing, streaming, and deletes.
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageDriver } from '../../src/drivers/driver.ts';
import { listAll } from '../../src/drivers/driver.ts';
import { AlreadyExistsError, NotFoundError, PreconditionFailedError } from '../../src/errors.ts';

export interface DriverHarness {
  driver: StorageDriver;
  cleanup(): Promise<void>;
}

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function describeDriverConformance(name: string, makeDriver: () => Promise<DriverHarness>): void {
  describe(`storage driver conformance: ${name}`, () => {
    let h: DriverHarness;
    let d: StorageDriver;
    beforeAll(async () => {
      h = await makeDriver();
      d = h.driver;
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('get of a missing key throws NotFoundError', async () => {
      await expect(d.get('missing/key.json')).rejects.toBeInstanceOf(NotFoundError);
      await expect(d.getIfChanged('missing/key.json', undefined)).rejects.toBeInstanceOf(NotFoundError);
      await expect(d.getStream('missing/key.bin')).rejects.toBeInstanceOf(NotFoundError);
      expect(await d.stat('missing/key.json')).toBeUndefined();
    });

    it('putCreateOnly writes once and refuses a second write, keeping the first bytes', async () => {
      const r = await d.putCreateOnly('create/once.json', text('first'));
      expect(r.size).toBe(5);
      await expect(d.putCreateOnly('create/once.json', text('second'))).rejects.toBeInstanceOf(
        AlreadyExistsError,
      );
      expect(str((await d.get('create/once.json')).body)).toBe('first');
      const info = await d.stat('create/once.json');
      expect(info?.size).toBe(5);
      expect(info?.modifiedAt).toBeGreaterThan(Date.now() - 10 * 60_000);
    });

    it('exactly one of many concurrent create-only writers wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => d.putCreateOnly('create/race.json', text(`writer-${i}`))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AlreadyExistsError);
      expect(str((await d.get('create/race.json')).body)).toMatch(/^writer-\d+$/);
    });

    it('getIfChanged answers "unchanged" for the current etag and the object otherwise', async () => {
      await d.putCreateOnly('poll/head.json', text('{"v":1}'));
      const first = await d.get('poll/head.json');
      expect(await d.getIfChanged('poll/head.json', first.etag)).toBe('unchanged');
      const fresh = await d.getIfChanged('poll/head.json', undefined);
      expect(fresh).not.toBe('unchanged');
      expect(str((fresh as { body: Uint8Array }).body)).toBe('{"v":1}');
      await d.putIfMatch('poll/head.json', text('{"v":2}'), first.etag);
      const changed = await d.getIfChanged('poll/head.json', first.etag);
      expect(changed).not.toBe('unchanged');
      expect(str((changed as { body: Uint8Array }).body)).toBe('{"v":2}');
    });

    it('putIfMatch swaps only when the etag matches', async () => {
      await d.putCreateOnly('cas/doc.json', text('a'));
      const a = await d.get('cas/doc.json');
      const b = await d.putIfMatch('cas/doc.json', text('b'), a.etag);
      expect(str((await d.get('cas/doc.json')).body)).toBe('b');
      // The stale etag must now fail, and the content must stay "b".
      await expect(d.putIfMatch('cas/doc.json', text('c'), a.etag)).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      expect(str((await d.get('cas/doc.json')).body)).toBe('b');
      // The etag returned by a write is usable for the next swap and for conditional reads.
      expect(await d.getIfChanged('cas/doc.json', b.etag)).toBe('unchanged');
      await d.putIfMatch('cas/doc.json', text('d'), b.etag);
      expect(str((await d.get('cas/doc.json')).body)).toBe('d');
    });

    it('putIfMatch on a missing key fails with PreconditionFailedError', async () => {
      await expect(d.putIfMatch('cas/missing.json', text('x'), 'whatever')).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      expect(await d.stat('cas/missing.json')).toBeUndefined();
    });

    it('concurrent compare-and-swap increments lose no update', async () => {
      await d.putCreateOnly('cas/counter.json', text('0'));
      const increment = async () => {
        for (;;) {
          const cur = await d.get('cas/counter.json');
          try {
            await d.putIfMatch('cas/counter.json', text(String(Number(str(cur.body)) + 1)), cur.etag);
            return;
          } catch (err) {
            if (!(err instanceof PreconditionFailedError)) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: 10 }, increment));
      expect(str((await d.get('cas/counter.json')).body)).toBe('10');
    });

    it('list pages through more keys than one page, in key order, without duplicates', async () => {
      const keys = Array.from({ length: 25 }, (_, i) => `page/k${String(i).padStart(3, '0')}.json`);
      await Promise.all(keys.map((k) => d.putCreateOnly(k, text(k))));
      await d.putCreateOnly('pagex/other.json', text('not under page/'));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const p = await d.list('page/', { cursor, pageSize: 7 });
        expect(p.objects.length).toBeLessThanOrEqual(7);
        seen.push(...p.objects.map((o) => o.key));
        cursor = p.cursor;
        pages++;
      } while (cursor);
      expect(pages).toBeGreaterThanOrEqual(4);
      expect(seen).toEqual(keys);
      const all: string[] = [];
      for await (const o of listAll(d, 'page/', 5)) all.push(o.key);
      expect(all).toEqual(keys);
    });

    it('list with a partial prefix matches key prefixes, not only directories', async () => {
      await d.putCreateOnly('partial/abc-1.json', text('1'));
      await d.putCreateOnly('partial/abd-2.json', text('2'));
      await d.putCreateOnly('partial/x/abc-3.json', text('3'));
      const p = await d.list('partial/ab');
      expect(p.objects.map((o) => o.key)).toEqual(['partial/abc-1.json', 'partial/abd-2.json']);
      expect(p.objects[0]!.size).toBe(1);
    });

    it('list with delimiter "/" groups keys into sub-prefixes, paginated', async () => {
      for (const v of [1, 2, 3, 10, 11]) {
        await d.putCreateOnly(`delim/v/${v}/manifest.json`, text('{}'));
        await d.putCreateOnly(`delim/v/${v}/files/a.bin`, text('a'));
      }
      await d.putCreateOnly('delim/v/top.json', text('{}'));
      const prefixes: string[] = [];
      const objects: string[] = [];
      let cursor: string | undefined;
      do {
        const p = await d.list('delim/v/', { cursor, delimiter: '/', pageSize: 2 });
        prefixes.push(...p.prefixes);
        objects.push(...p.objects.map((o) => o.key));
        cursor = p.cursor;
      } while (cursor);
      expect(prefixes.sort()).toEqual([
        'delim/v/1/',
        'delim/v/10/',
        'delim/v/11/',
        'delim/v/2/',
        'delim/v/3/',
      ]);
      expect(objects).toEqual(['delim/v/top.json']);
    });

    it('list of an absent prefix is empty', async () => {
      const p = await d.list('nothing-here/');
      expect(p.objects).toEqual([]);
      expect(p.prefixes).toEqual([]);
      expect(p.cursor).toBeUndefined();
    });

    it('delete removes a key and ignores absent keys', async () => {
      await d.putCreateOnly('del/a.json', text('a'));
      await d.delete('del/a.json');
      expect(await d.stat('del/a.json')).toBeUndefined();
      await expect(d.get('del/a.json')).rejects.toBeInstanceOf(NotFoundError);
      await d.delete('del/a.json');
      // A deleted key can be created again (gc relies on nothing else).
      await d.putCreateOnly('del/a.json', text('again'));
      expect(str((await d.get('del/a.json')).body)).toBe('again');
    });

    it('streams a multi-megabyte object in and out with identical bytes and progress', async () => {
      const size = 12 * 1024 * 1024 + 123;
      const data = randomBytes(size);
      const progress: number[] = [];
      const chunks = function* () {
        for (let off = 0; off < size; off += 1 << 20)
          yield data.subarray(off, Math.min(size, off + (1 << 20)));
      };
      const r = await d.putStreamCreateOnly('stream/big.bin', Readable.from(chunks()), {
        size,
        onProgress: (b) => progress.push(b),
      });
      expect(r.size).toBe(size);
      expect(progress.at(-1)).toBe(size);
      const back = await collect(await d.getStream('stream/big.bin'));
      expect(createHash('sha256').update(back).digest('hex')).toBe(
        createHash('sha256').update(data).digest('hex'),
      );
      expect((await d.stat('stream/big.bin'))?.size).toBe(size);
    });

    it('a streaming create-only write onto an existing key fails and keeps the old bytes', async () => {
      await d.putCreateOnly('stream/taken.bin', text('old'));
      await expect(
        d.putStreamCreateOnly('stream/taken.bin', Readable.from([Buffer.from('new bytes')])),
      ).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(str((await d.get('stream/taken.bin')).body)).toBe('old');
    });

    it('a failing source stream leaves nothing visible at the key', async () => {
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(64 * 1024, 1));
          this.destroy(new Error('source broke'));
        },
      });
      await expect(d.putStreamCreateOnly('stream/broken.bin', failing)).rejects.toThrow();
      expect(await d.stat('stream/broken.bin')).toBeUndefined();
      await d.putCreateOnly('stream/broken.bin', text('later writer wins cleanly'));
    });

    it('keys with the layout characters round-trip ("@", "%", "=", "+")', async () => {
      const key = 'models/a/b/@versions/1/files/x+y=z,w@1.json';
      await d.putCreateOnly(key, text('ok'));
      expect(str((await d.get(key)).body)).toBe('ok');
      const idx = `index/${encodeURIComponent('a/b')}.json`;
      await d.putCreateOnly(idx, text('{}'));
      expect((await d.list('index/')).objects.map((o) => o.key)).toContain(idx);
    });
  });
}
