// Command-line values that a script or an operator types: option parsers and the trust flags.
// Whatever the text, a typed error (commander's InvalidArgumentError → exit 2, or ModelshelfError)
// or a sane value, never a crash.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseMetaPairs, parsePositiveInt } from '../../packages/cli/src/index.ts';
import {
  ModelshelfError,
  parseRequireSignature,
  splitKeyPaths,
  trustPolicyFromEnv,
} from '../../packages/registry/src/index.ts';
import { expectTypedSync, params } from './fuzz-kit.ts';

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[0-9.]{0,12}(ms|s|m|h|d|w){0,3}$/),
  fc.constantFrom('1e309', '9'.repeat(400), '-1', '0', 'NaN', 'Infinity', '__proto__=1', 'constructor={}'),
);
// commander's InvalidArgumentError (commander is not a dependency of the root package): the class
// the option parsers throw for a bad value, taken from one such throw.
const OptionValueError = (() => {
  try {
    parsePositiveInt('not a number');
  } catch (err) {
    return (err as Error).constructor as new () => Error;
  }
  throw new Error('parsePositiveInt accepted "not a number"');
})();
const allowed = [OptionValueError, ModelshelfError];

describe('CLI values under hostile input', () => {
  it('parseDuration: a finite non-negative number of milliseconds, or a typed error', () => {
    fc.assert(
      fc.property(text, (s) => {
        let ms = 0;
        if (expectTypedSync(() => (ms = parseDuration(s)), allowed) === 'ok') {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(ms)).toBe(true);
        }
      }),
      params(),
    );
  });

  it('parsePositiveInt: a safe integer ≥ 1, or a typed error', () => {
    fc.assert(
      fc.property(text, (s) => {
        let n = 0;
        if (expectTypedSync(() => (n = parsePositiveInt(s)), allowed) === 'ok')
          expect(Number.isSafeInteger(n) && n >= 1).toBe(true);
      }),
      params(),
    );
  });

  it('parseMetaPairs: never pollutes Object.prototype', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 4 }), (pairs) => {
        expectTypedSync(() => parseMetaPairs(pairs), allowed);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.keys(Object.prototype)).toEqual([]);
      }),
      params(),
    );
  });

  it('trust flags: a valid policy or a typed error, for any pair of values', () => {
    fc.assert(
      fc.property(text, fc.option(text), (keys, level) => {
        expectTypedSync(() => parseRequireSignature(keys), allowed);
        expect(splitKeyPaths(keys).every((p) => p.length > 0 && !/[:,]/.test(p))).toBe(true);
        const env = {
          MODELSHELF_TRUSTED_KEYS: keys,
          ...(level === null ? {} : { MODELSHELF_REQUIRE_SIGNATURE: level }),
        };
        let policy: ReturnType<typeof trustPolicyFromEnv>;
        if (expectTypedSync(() => (policy = trustPolicyFromEnv(env)), allowed) === 'ok' && policy) {
          expect(['off', 'warn', 'enforce']).toContain(policy.requireSignature);
          if (policy.requireSignature === 'enforce') expect(policy.trustedKeys?.length).toBeGreaterThan(0);
        }
      }),
      params(),
    );
  });
});
