// Model names, references and artifact paths: parsed once at the edge, so nothing downstream
// can be tricked into building a storage key outside the store or the model.
import { InvalidArgumentError, InvalidNameError, InvalidReferenceError, PathEscapeError } from './errors.ts';

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const ALIAS = /^[A-Za-z][A-Za-z0-9_-]*$/;
const FILE_SEGMENT = /^[A-Za-z0-9_+=,-][A-Za-z0-9._+=,@-]*$/;
export const MAX_NAME_LENGTH = 200;
export const MAX_NAME_DEPTH = 8;
export const MAX_ALIAS_LENGTH = 64;
export const MAX_FILE_PATH_LENGTH = 255;

/** Validates a model name such as `rapl-sysfs/AbsPower/BPFOnly/LinearRegression_0` and returns it. */
export function parseModelName(value: string): string {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidNameError(String(value), 'it is empty');
  if (value.length > MAX_NAME_LENGTH)
    throw new InvalidNameError(value, `it is longer than ${MAX_NAME_LENGTH} characters`);
  if (value.includes('@')) throw new InvalidNameError(value, '"@" separates a model from a version or alias');
  if (value.startsWith('/')) throw new InvalidNameError(value, 'it is an absolute path');
  const segments = value.split('/');
  if (segments.length > MAX_NAME_DEPTH)
    throw new InvalidNameError(value, `it has more than ${MAX_NAME_DEPTH} segments`);
  for (const s of segments) {
    if (s === '') throw new InvalidNameError(value, 'it has an empty segment');
    if (s === '.' || s === '..') throw new InvalidNameError(value, `segment "${s}" is not allowed`);
    if (!SEGMENT.test(s)) {
      throw new InvalidNameError(
        value,
        `segment ${JSON.stringify(s)} has a character outside A-Z a-z 0-9 . _ -`,
      );
    }
  }
  return value;
}

export function parseAliasName(value: string): string {
  if (!ALIAS.test(value) || value.length > MAX_ALIAS_LENGTH) {
    throw new InvalidArgumentError(
      `invalid alias ${JSON.stringify(value)}`,
      `aliases start with a letter and use A-Z a-z 0-9 _ - (at most ${MAX_ALIAS_LENGTH} characters), e.g. "stable"`,
    );
  }
  return value;
}

export function parseVersionNumber(value: string | number, context = 'version'): number {
  const n = typeof value === 'number' ? value : /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(
      `invalid ${context} ${JSON.stringify(value)}`,
      'versions are whole numbers from 1',
    );
  }
  return n;
}

export type Reference =
  | { model: string; kind: 'default' }
  | { model: string; kind: 'version'; version: number }
  | { model: string; kind: 'alias'; alias: string };

/** `model` (pin, else latest), `model@7` (a version), `model@stable` (an alias). */
export function parseReference(value: string): Reference {
  if (typeof value !== 'string' || value.length === 0)
    throw new InvalidReferenceError(String(value), 'it is empty');
  const at = value.indexOf('@');
  if (at < 0) return { model: parseModelName(value), kind: 'default' };
  if (value.indexOf('@', at + 1) >= 0) throw new InvalidReferenceError(value, 'it has more than one "@"');
  const model = parseModelName(value.slice(0, at));
  const selector = value.slice(at + 1);
  if (selector === '') throw new InvalidReferenceError(value, 'nothing follows "@"');
  if (/^[0-9]+$/.test(selector)) return { model, kind: 'version', version: parseVersionNumber(selector) };
  if (!ALIAS.test(selector))
    throw new InvalidReferenceError(
      value,
      `${JSON.stringify(selector)} is neither a version number nor an alias`,
    );
  return { model, kind: 'alias', alias: selector };
}

export function formatReference(ref: Reference): string {
  if (ref.kind === 'version') return `${ref.model}@${ref.version}`;
  if (ref.kind === 'alias') return `${ref.model}@${ref.alias}`;
  return ref.model;
}

/**
 * Validates a file path inside a version: relative, POSIX separators, no "." or ".." segments,
 * no control characters, NUL, backslashes or non-ASCII look-alikes. `root` is only for the message.
 */
export function parseArtifactPath(value: string, root = 'the version'): string {
  const bad = () => new PathEscapeError(value, root);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_FILE_PATH_LENGTH) throw bad();
  if (value.startsWith('/') || value.includes('\\')) throw bad();
  for (const s of value.split('/')) {
    if (s === '' || s === '.' || s === '..' || !FILE_SEGMENT.test(s)) throw bad();
  }
  return value;
}
