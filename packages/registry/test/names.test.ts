import { describe, expect, it } from 'vitest';
import { InvalidNameError, InvalidReferenceError, PathEscapeError } from '../src/errors.ts';
import { formatReference, parseArtifactPath, parseModelName, parseReference } from '../src/names.ts';

describe('model names', () => {
  it('accepts Kepler paths', () => {
    expect(parseModelName('rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0')).toBe(
      'rapl-sysfs/AbsPower/BPFOnly/SGDRegressorTrainer_0',
    );
    expect(
      parseModelName('ec2-0.7.11/rapl-sysfs/DynPower/Full/GradientBoostingRegressorTrainer_1'),
    ).toContain('Gradient');
  });

  it.each([
    ['', 'empty'],
    ['../etc/passwd', '".."'],
    ['a/../b', '".."'],
    ['a/./b', '"."'],
    ['/abs/path', 'absolute'],
    ['a//b', 'empty segment'],
    ['a/b/', 'empty segment'],
    ['a\u0000b', 'character'],
    ['a\nb', 'character'],
    ['a\\b', 'character'],
    ['caf\u00e9', 'character'],
    ['a\u2215b', 'character'],
    ['model@7', '"@"'],
    ['.hidden/x', 'character'],
    ['x'.repeat(201), 'longer'],
    [Array.from({ length: 9 }, () => 'a').join('/'), 'segments'],
  ])('rejects %j with a reason mentioning %s', (name, reason) => {
    const err = (() => {
      try {
        parseModelName(name);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidNameError);
    expect((err as Error).message).toContain(reason);
    expect((err as Error).message).toContain(JSON.stringify(name).slice(0, 20));
  });
});

describe('references', () => {
  it('parses the three forms and prints them back', () => {
    expect(parseReference('a/b')).toEqual({ model: 'a/b', kind: 'default' });
    expect(parseReference('a/b@7')).toEqual({ model: 'a/b', kind: 'version', version: 7 });
    expect(parseReference('a/b@stable')).toEqual({ model: 'a/b', kind: 'alias', alias: 'stable' });
    for (const r of ['a/b', 'a/b@7', 'a/b@stable']) expect(formatReference(parseReference(r))).toBe(r);
  });

  it.each(['a@', 'a@@1', 'a@1@2', 'a@0', 'a@-1', 'a@1.5', 'a@st able', '@1', 'a@9999999999999999999'])(
    'rejects %j',
    (ref) => {
      expect(() => parseReference(ref)).toThrow(/invalid|version/);
    },
  );

  it('bad selector errors are typed', () => {
    expect(() => parseReference('a@b c')).toThrow(InvalidReferenceError);
  });
});

describe('artifact paths', () => {
  it('accepts nested relative paths', () => {
    expect(parseArtifactPath('variables/variables.data-00000-of-00001')).toBe(
      'variables/variables.data-00000-of-00001',
    );
    expect(parseArtifactPath('group1-shard1of1.bin')).toBe('group1-shard1of1.bin');
  });
  it.each([
    '../x',
    'a/../../x',
    '/etc/passwd',
    'a\\b',
    'a\u0000b',
    '',
    'a//b',
    '.',
    'a/./b',
    '\uff0e\uff0e/x',
    'x'.repeat(300),
  ])('rejects %j', (p) => {
    expect(() => parseArtifactPath(p)).toThrow(PathEscapeError);
  });
});
