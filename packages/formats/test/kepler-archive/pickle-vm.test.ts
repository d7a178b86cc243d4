// The pickle VM against pickles CPython + numpy wrote (every protocol; fixtures/kepler-archive/pickles.json,
// made by make_pickle_fixtures.py), and against hand-built hostile streams.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { allowedGlobals, loadPickle, PickleError } from '../../src/kepler-archive/index.ts';
import { NdArray } from '../../src/kepler-archive/pickle/numpy.ts';
import { PyDict, PySet, PyTuple, type PyValue } from '../../src/kepler-archive/pickle/values.ts';

type Spelled = null | boolean | number | string | Spelled[] | { [k: string]: Spelled };
const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/kepler-archive/pickles.json', import.meta.url), 'utf8'),
) as { cases: { name: string; protocol: number; pickle: string; value: Spelled }[] };

const pyFloat = (r: string) =>
  r === 'inf' ? Infinity : r === '-inf' ? -Infinity : r === 'nan' ? NaN : Number(r);

/** Checks a loaded value against the Python-side spelling; returns a path to the first mismatch. */
function mismatch(v: PyValue, s: Spelled, path = '$'): string | undefined {
  if (s === null || typeof s === 'boolean' || typeof s === 'string') return v === s ? undefined : path;
  if (typeof s === 'number') return v === s ? undefined : `${path}: ${String(v)} != ${s}`;
  if (Array.isArray(s)) {
    if (!Array.isArray(v) || v.length !== s.length) return `${path}: not a list of ${s.length}`;
    for (let i = 0; i < s.length; i++) {
      const m = mismatch(v[i]!, s[i]!, `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if ('float' in s)
    return Object.is(v, pyFloat(s.float as string)) ? undefined : `${path}: ${String(v)} != ${s.float}`;
  if ('bigint' in s)
    return v === BigInt(s.bigint as string) ? undefined : `${path}: ${String(v)} != ${s.bigint}`;
  if ('bytes' in s) {
    return v instanceof Uint8Array && Buffer.from(v).toString('base64') === s.bytes
      ? undefined
      : `${path}: bytes`;
  }
  if ('tuple' in s) return v instanceof PyTuple ? mismatch(v.items, s.tuple!, path) : `${path}: not a tuple`;
  if ('set' in s) {
    if (!(v instanceof PySet)) return `${path}: not a set`;
    const got = [...v.items].sort();
    return mismatch(got, s.set!, path);
  }
  if ('dict' in s) {
    if (!(v instanceof PyDict)) return `${path}: not a dict`;
    const entries = s.dict as [Spelled, Spelled][];
    if (v.map.size !== entries.length) return `${path}: ${v.map.size} keys`;
    for (const [k, x] of entries) {
      const m = mismatch(v.map.get(k as string) ?? null, x, `${path}.${String(k)}`);
      if (m) return m;
    }
    return undefined;
  }
  if ('ndarray' in s) {
    if (typeof v === 'number' && (s.ndarray as number[]).length === 0) return undefined;
    if (!(v instanceof NdArray)) return `${path}: not an ndarray`;
    if (JSON.stringify(v.shape) !== JSON.stringify(s.ndarray)) return `${path}: shape ${v.shape}`;
    if ('fields' in s) {
      for (const [name, want] of Object.entries(s.fields as Record<string, number[]>)) {
        const got = v.fields?.get(name);
        if (!got || JSON.stringify(Array.from(got)) !== JSON.stringify(want)) return `${path}.${name}`;
      }
      return undefined;
    }
    const want = s.data as number[];
    return v.data && JSON.stringify(Array.from(v.data)) === JSON.stringify(want)
      ? undefined
      : `${path}: data`;
  }
  return `${path}: unknown spelling`;
}

describe('pickle VM on CPython/numpy pickles (protocols 0-5)', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      const v = loadPickle(Buffer.from(c.pickle, 'base64'));
      expect(mismatch(v, c.value)).toBeUndefined();
    });
  }
  it('keeps numpy scalars as numbers', () => {
    const c = fixtures.cases.find((x) => x.name === 'scalar-p4')!;
    expect(loadPickle(Buffer.from(c.pickle, 'base64'))).toBe(3.25);
  });
});

const enc = (s: string) => Buffer.from(s, 'latin1');
function refused(bytes: Uint8Array | string, code: PickleError['code'], globalName?: string) {
  const b = typeof bytes === 'string' ? enc(bytes) : bytes;
  let err: unknown;
  try {
    loadPickle(b, { joblib: true });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(PickleError);
  expect((err as PickleError).code).toBe(code);
  if (globalName) {
    expect((err as PickleError).global).toBe(globalName);
    expect((err as PickleError).message).toContain(globalName);
  }
}

describe('pickle VM refuses what it must', () => {
  it('refuses globals outside the allow-list, naming module.name (GLOBAL, STACK_GLOBAL, INST)', () => {
    refused("cos\nsystem\n(S'echo pwned'\ntR.", 'forbidden-global', 'os.system');
    refused('\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x011\x85R.', 'forbidden-global', 'builtins.eval');
    refused("(S'ls'\nisubprocess\nPopen\n.", 'forbidden-global', 'subprocess.Popen');
    refused('\x80\x02cposix\nsystem\nq\x00.', 'forbidden-global', 'posix.system');
    refused('\x80\x02c__builtin__\ngetattr\n.', 'forbidden-global', '__builtin__.getattr');
  });
  it('never calls a class by REDUCE with a callable it built (REDUCE of a non-global)', () => {
    refused('\x80\x04\x8c\x01x\x29R.', 'malformed');
  });
  it('refuses persistent ids, extension codes and out-of-band buffers', () => {
    refused('\x80\x04\x8c\x01xQ.', 'persistent-id');
    refused('Pabc\n.', 'persistent-id');
    refused('\x80\x02\x82\x01.', 'unknown-opcode');
    refused('\x80\x05\x97.', 'unknown-opcode');
  });
  it('bounds declared lengths by the bytes that are there', () => {
    const huge = Buffer.alloc(11);
    huge[0] = 0x8d; // BINUNICODE8 with 2^60
    huge.writeBigUInt64LE(1n << 60n, 1);
    refused(huge, 'truncated');
    refused('X\xff\xff\xff\x7f', 'truncated');
    refused('\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xff', 'truncated');
    refused('\x8b\xff\xff\xff\x7f', 'limit');
  });
  it('refuses truncated input and stack abuse', () => {
    refused('', 'truncated');
    refused('\x80\x04K', 'truncated');
    refused('.', 'malformed');
    refused('(K\x01.', 'malformed');
    refused('h\x05.', 'malformed');
    refused(']K\x01s.', 'malformed');
  });
  it('survives deep nesting without recursion', () => {
    const deep = Buffer.concat([
      Buffer.from('('.repeat(50_000), 'latin1'),
      Buffer.from('t'.repeat(50_000) + '.', 'latin1'),
    ]);
    expect(loadPickle(deep)).toBeInstanceOf(PyTuple);
    refused(Buffer.from(']'.repeat(200_000) + '.', 'latin1'), 'limit');
  });
  it('publishes its allow-list', () => {
    const list = allowedGlobals();
    expect(list).toContain('sklearn.ensemble._gb.GradientBoostingRegressor');
    expect(list).toContain('numpy._core.multiarray._reconstruct');
    expect(
      list.some((g) => g.startsWith('os.') || g.startsWith('subprocess.') || g === 'builtins.eval'),
    ).toBe(false);
  });
});
