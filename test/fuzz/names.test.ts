// Model names, references and artifact paths are the only user- or storage-supplied strings that
// become storage keys or local paths. Whatever the string: a typed ModelshelfError or a value that
// cannot leave the store (no "..", NUL, backslash, leading "/", control or non-ASCII characters).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ModelshelfError,
  parseAliasName,
  parseArtifactPath,
  parseModelName,
  parseReference,
  parseVersionNumber,
} from '../../packages/registry/src/index.ts';
import { expectTypedSync, params } from './fuzz-kit.ts';

// Characters that look like path syntax: fraction/division slashes, fullwidth dot and solidus,
// one-dot leaders, reverse solidus look-alikes, zero-width and bidi controls, NUL and DEL.
const TRICKS = [
  '\u2215',
  '\u2044',
  '\uff0e',
  '\uff0f',
  '\u2024',
  '\ufe52',
  '\u29f5',
  '\uff3c',
  '\u200b',
  '\u202e',
  '\u0000',
  '\u007f',
  '\\',
  '/',
  '.',
  '..',
  '@',
  '%2e',
  '%2f',
  ':',
  '\n',
  '\t',
  ' ',
  'é',
  '\ud800',
];
const piece = fc.oneof(
  fc.constantFrom(...TRICKS),
  fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/),
  fc.string({ unit: 'binary', maxLength: 6 }),
);
const hostileString = fc.oneof(
  fc.array(piece, { maxLength: 24 }).map((p) => p.join('')),
  fc.array(fc.oneof(piece, fc.constant('/')), { maxLength: 16 }).map((p) => p.join('/')),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.nat({ max: 40 }).map((n) => Array.from({ length: n }, (_, i) => `s${i}`).join('/')),
);

function assertInert(value: string): void {
  expect(value.split('/')).not.toContain('..');
  expect(value.split('/')).not.toContain('.');
  expect(value.startsWith('/')).toBe(false);
  expect(value).not.toContain('\\');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is checked
  expect(value).not.toMatch(/[\u0000-\u001f\u007f]/);
  expect(value).toMatch(/^[\x20-\x7e]*$/);
}

describe('names under hostile input', () => {
  it('parseModelName: typed error, or an inert name', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        let name = '';
        if (expectTypedSync(() => (name = parseModelName(s)), [ModelshelfError]) === 'ok') {
          assertInert(name);
          expect(name).not.toContain('@');
        }
      }),
      params(),
    );
  });

  it('parseReference: typed error, or a reference whose parts are inert', () => {
    fc.assert(
      fc.property(
        hostileString,
        fc.oneof(
          fc.constant(''),
          fc.constant('@'),
          hostileString.map((s) => `@${s}`),
        ),
        (a, b) => {
          const input = a + b;
          let ref: ReturnType<typeof parseReference> | undefined;
          if (expectTypedSync(() => (ref = parseReference(input)), [ModelshelfError]) === 'ok') {
            assertInert(ref!.model);
            if (ref!.kind === 'alias') expect(ref!.alias).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
            if (ref!.kind === 'version')
              expect(Number.isSafeInteger(ref!.version) && ref!.version > 0).toBe(true);
          }
        },
      ),
      params(),
    );
  });

  it('parseArtifactPath: typed error, or a relative path that stays inside', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        let path = '';
        if (expectTypedSync(() => (path = parseArtifactPath(s, '/pull/dir')), [ModelshelfError]) === 'ok') {
          assertInert(path);
          expect(path.length).toBeLessThanOrEqual(255);
        }
      }),
      params(),
    );
  });

  it('parseAliasName / parseVersionNumber: typed errors only', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        expectTypedSync(() => parseAliasName(s), [ModelshelfError]);
        expectTypedSync(() => parseVersionNumber(s), [ModelshelfError]);
      }),
      params(),
    );
  });

  // ".." inside a segment ("a..b") and "@" in file names are legitimate; everything else is refused.
  it.each(TRICKS.filter((t) => !['/', '.', '..', '@', '%2e', ':'].includes(t) && !/^[a-z]/i.test(t)))(
    'refuses the look-alike %j inside names and paths',
    (trick) => {
      for (const s of [`a${trick}b`, `a/${trick}`, `${trick}/a`]) {
        expect(() => parseModelName(s)).toThrow(ModelshelfError);
        expect(() => parseArtifactPath(s)).toThrow(ModelshelfError);
      }
    },
  );
});
