import { InvalidArgumentError } from '@modelshelf/registry';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 as seeded } from '../../../test/support/seeded-random.ts';
import { checkPollJitter, DEFAULT_POLL_JITTER, pollDelay, watchModel } from '../src/index.ts';

describe('steady poll jitter', () => {
  it('draws every delay within interval × [1 − jitter, 1 + jitter]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (intervalMs, jitter, r) => {
          const d = pollDelay({ intervalMs, jitter, random: () => r });
          expect(d).toBeGreaterThanOrEqual(Math.floor(intervalMs * (1 - jitter)));
          expect(d).toBeLessThanOrEqual(Math.ceil(intervalMs * (1 + jitter)));
        },
      ),
    );
  });

  it('varies the delays and averages them to the interval', () => {
    const random = seeded(16);
    const delays = Array.from({ length: 20_000 }, () =>
      pollDelay({ intervalMs: 5000, jitter: DEFAULT_POLL_JITTER, random }),
    );
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(Math.abs(mean - 5000)).toBeLessThan(10);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(6000);
    // Spread over the whole range, not bunched: every 100 ms bucket of [4 s, 6 s) is hit.
    expect(new Set(delays.map((d) => Math.min(19, Math.floor((d - 4000) / 100)))).size).toBe(20);
  });

  it('polls at exactly the interval with jitter 0', () => {
    expect(pollDelay({ intervalMs: 500, jitter: 0, random: Math.random })).toBe(500);
  });

  it('refuses a jitter outside [0, 1), naming the value', () => {
    for (const bad of [-0.1, 1, 1.5, Number.NaN]) {
      expect(() => checkPollJitter(bad)).toThrow(InvalidArgumentError);
      expect(() => checkPollJitter(bad)).toThrow(String(bad));
    }
    expect(() => watchModel({ store: '/nonexistent', ref: 'm', pollJitter: 2 })).toThrow(/pollJitter.*got 2/);
  });
});
