import { describe, expect, it } from 'vitest';
import { assignedTo, parseShard } from '../src/pipeline/shard.ts';
import { runIdFor } from '../src/publish/run-summary.ts';

const names = Array.from({ length: 23 }, (_, i) => `rapl-sysfs/AbsPower/G${i % 5}/Trainer${i}_0`);

describe('sharding a training run', () => {
  it('N shards partition the names exactly: every name in one shard, shares within one of each other', () => {
    for (const n of [1, 2, 3, 4, 7, 30]) {
      const shares = Array.from({ length: n }, (_, i) => assignedTo(names, { index: i, count: n }));
      const all = shares.flatMap((s) => [...s]);
      expect(all.sort()).toEqual([...names].sort());
      const sizes = shares.map((s) => s.size);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('the assignment depends only on the set of names, not on their order', () => {
    const reversed = [...names].reverse();
    expect([...assignedTo(reversed, { index: 2, count: 4 })].sort()).toEqual(
      [...assignedTo(names, { index: 2, count: 4 })].sort(),
    );
  });

  it('parses I/N and rejects anything else by value, with a hint', () => {
    expect(parseShard('3/4')).toEqual({ index: 3, count: 4 });
    for (const bad of ['4/4', '1', '-1/4', '0/0', 'a/b', '0/5000']) {
      expect(() => parseShard(bad)).toThrow(new RegExp(`--shard must be I/N .*got "${bad}"`));
    }
  });

  it('a sharded run needs a shared run id; an unsharded one gets a timestamped id', () => {
    expect(() => runIdFor(undefined, { index: 0, count: 4 })).toThrow(/--shard 0\/4 needs --run-id/);
    expect(runIdFor(undefined, undefined, new Date('2026-12-02T03:04:05.678Z'))).toBe(
      'train-20261202T030405Z',
    );
    expect(runIdFor('nightly-42', { index: 1, count: 4 })).toBe('nightly-42');
    expect(() => runIdFor('../x', undefined)).toThrow(/invalid run id "..\/x"/);
  });
});
