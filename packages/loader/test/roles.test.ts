// Unit tests of the individual roles: mount detection, version policy, backoff, the serving slot.
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { Served, Target } from '../src/index.ts';
import { backoffDelay, detectMount, mountKindOf, ServingSlot, shouldMove } from '../src/index.ts';

describe('mount detection (statfs magic numbers)', () => {
  it.each([
    [0x6969, 'nfs'],
    [0x00c36400, 'cephfs'],
    [0x65735546, 'fuse'],
    [0xfe534d42, 'smb'],
    [0xff534d42, 'smb'],
  ])('0x%s is remote (%s)', (type, kind) => {
    expect(mountKindOf(type)).toEqual({ kind, type, remote: true });
  });

  it('ext4, xfs, tmpfs and overlayfs are local', () => {
    for (const type of [0xef53, 0x58465342, 0x01021994, 0x794c7630])
      expect(mountKindOf(type).remote).toBe(false);
  });

  it('classifies a real directory and treats an unreadable path as remote (safe side)', async () => {
    const tmp = await detectMount(tmpdir());
    expect(tmp.type).toBeGreaterThan(0);
    expect(await detectMount('/nonexistent/modelshelf')).toEqual({ kind: 'unknown', type: 0, remote: true });
  });
});

describe('version policy: never backwards unless a ref says so', () => {
  it.each([
    [undefined, { version: 1, via: 'latest' }, true, 'first load'],
    [{ version: 3, via: 'latest' }, { version: 4, via: 'latest' }, true, 'newer latest'],
    [{ version: 3, via: 'latest' }, { version: 3, via: 'pin' }, false, 'same version'],
    [{ version: 3, via: 'latest' }, { version: 2, via: 'latest' }, false, 'a lagging read of latest'],
    [{ version: 3, via: 'latest' }, { version: 1, via: 'pin' }, true, 'a pin to an older version'],
    [{ version: 3, via: 'alias' }, { version: 2, via: 'alias' }, true, 'an alias moved back'],
    [{ version: 5, via: 'pin' }, { version: 4, via: 'latest' }, true, 'unpin when latest < old pin'],
    [{ version: 5, via: 'cache' }, { version: 4, via: 'latest' }, true, 'storage overrules the cache'],
  ] as [{ version: number; via: string } | undefined, Target, boolean, string][])(
    '%o → %o: %s (%s)',
    (current, target, expected) => {
      expect(shouldMove(current, target)).toBe(expected);
    },
  );
});

describe('backoff', () => {
  it('doubles up to the cap, with jitter in [d/2, d]', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, { ...opts, random: () => 0 })).toBe(50);
    expect(backoffDelay(1, { ...opts, random: () => 0.999999 })).toBe(100);
    expect(backoffDelay(3, { ...opts, random: () => 0.999999 })).toBe(400);
    expect(backoffDelay(10, { ...opts, random: () => 0.999999 })).toBe(1000);
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(4, opts)));
    expect(draws.size).toBeGreaterThan(10);
    for (const d of draws) {
      expect(d).toBeGreaterThanOrEqual(400);
      expect(d).toBeLessThanOrEqual(800);
    }
  });
});

describe('serving slot: atomic swap, release after use', () => {
  const served = (version: number, log: number[]): Served<{ dispose(): void }> =>
    ({ version, value: { dispose: () => log.push(version) } }) as unknown as Served<{ dispose(): void }>;

  it('disposes the old model only when its last lease is released and the grace is over', async () => {
    const disposed: number[] = [];
    const slot = new ServingSlot<{ dispose(): void }>({ disposeGraceMs: 20 });
    slot.swap(served(1, disposed));
    const lease = slot.acquire();
    expect(lease?.served.version).toBe(1);
    slot.swap(served(2, disposed));
    expect(slot.current()?.version).toBe(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(disposed).toEqual([]); // grace over, but still leased
    lease?.release();
    lease?.release(); // idempotent
    expect(disposed).toEqual([1]);
  });

  it('waits out the grace delay for lease-less readers', async () => {
    const disposed: number[] = [];
    const slot = new ServingSlot<{ dispose(): void }>({ disposeGraceMs: 50 });
    slot.swap(served(1, disposed));
    slot.swap(served(2, disposed));
    await new Promise((r) => setTimeout(r, 10));
    expect(disposed).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(disposed).toEqual([1]);
    slot.close();
    expect(disposed).toEqual([1, 2]);
  });

  it('a dispose() that throws is reported, not propagated', () => {
    const errors: unknown[] = [];
    const slot = new ServingSlot<{ dispose(): void }>({
      disposeGraceMs: 0,
      onDisposeError: (e) => errors.push(e),
    });
    slot.swap({
      version: 1,
      value: {
        dispose: () => {
          throw new Error('boom');
        },
      },
    } as unknown as Served<{ dispose(): void }>);
    slot.close();
    expect(String(errors[0])).toContain('boom');
  });
});
