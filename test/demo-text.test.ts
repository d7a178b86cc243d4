// The demo's wording: plural counts, ref moves as sentences, and --keep in its usage.
import { describe, expect, it } from 'vitest';
import { DEMO_USAGE, describeMove, plural } from '../scripts/demo-text.ts';

const by = { user: 'ana', host: 'h' } as never;

describe('demo text', () => {
  it('counts with the right plural', () => {
    expect(plural(1, 'request')).toBe('1 request');
    expect(plural(3, 'request')).toBe('3 requests');
  });

  it('words pin moves as a person reads them', () => {
    expect(describeMove({ seq: 1, ref: 'pin', from: null, to: 1, by })).toBe('#1 pin set to v1 by ana');
    expect(describeMove({ seq: 2, ref: 'stable', from: 1, to: 2, by })).toBe(
      '#2 stable moved v1 → v2 by ana',
    );
    expect(describeMove({ seq: 3, ref: 'pin', from: 1, to: null, by })).toBe(
      '#3 pin removed (was v1) by ana',
    );
  });

  it('documents --keep', () => {
    expect(DEMO_USAGE).toMatch(/--keep +keep the temporary store/);
  });
});
