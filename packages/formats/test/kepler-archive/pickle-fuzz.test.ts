// Fuzzing the pickle reader and the archive converter (fast-check, seeded): damaged real pickles,
// random opcode streams, hostile globals, huge declared lengths, deep nesting and memo abuse. Every
// case must end, quickly, in a value or a typed error (PickleError / ArchiveError) — nothing else,
// and nothing ever executes (the only globals that resolve are data records).
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArchiveError,
  convertMembers,
  loadPickle,
  PickleError,
  type PickleLimits,
  predict,
  readKeplerArchive,
} from '../../src/kepler-archive/index.ts';
import { ARCHIVES, readArchive } from './fixtures.ts';

const SEED = 20_261_202;
/** Per-case wall-clock bound (generous: the machine is shared). */
const CASE_MS = 1_000;
// Tight limits, so limit paths are reached too; real archives need far less than the defaults.
const LIMITS: Partial<PickleLimits> = { maxStack: 5_000, maxMemo: 20_000, maxContainerItems: 200_000 };

const stats = { cases: 0, values: 0, errors: new Map<string, number>(), slowestMs: 0, peakHeapMiB: 0 };
const heapMiB = () => (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers) / 2 ** 20;
const startHeapMiB = heapMiB();
afterAll(() => {
  const codes = [...stats.errors].map(([c, n]) => `${c} ${n}`).join(', ');
  console.log(
    `pickle fuzz: ${stats.cases} cases, ${stats.values} loaded as values, errors: ${codes}; slowest ${stats.slowestMs.toFixed(1)} ms; heap ${startHeapMiB.toFixed(0)} → peak ${stats.peakHeapMiB.toFixed(0)} MiB`,
  );
});

function runCase(f: () => void): void {
  stats.cases++;
  const t0 = performance.now();
  try {
    f();
    stats.values++;
  } catch (e) {
    if (e instanceof PickleError) stats.errors.set(e.code, (stats.errors.get(e.code) ?? 0) + 1);
    else if (e instanceof ArchiveError) stats.errors.set('archive', (stats.errors.get('archive') ?? 0) + 1);
    else throw e; // anything else is a bug in the reader
  }
  const ms = performance.now() - t0;
  stats.slowestMs = Math.max(stats.slowestMs, ms);
  if (stats.cases % 50 === 0) stats.peakHeapMiB = Math.max(stats.peakHeapMiB, heapMiB());
  if (ms > CASE_MS) throw new Error(`case took ${ms.toFixed(0)} ms`);
}

// Real pickles: every member of every fixture archive, small ones weighted up (GBR's are ~180 KB).
const members = ARCHIVES.map((p) => unzipSync(readArchive(p)));
const pickles = members.flatMap((m) => Object.entries(m).filter(([n]) => n.endsWith('.pkl')));
const small = pickles.filter(([, b]) => b.length < 25_000).map(([, b]) => b);
const large = pickles.filter(([, b]) => b.length >= 25_000).map(([, b]) => b);

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x2e, 0x28, 0x93, 0x52, 0x62, 0x81, 0x95, 0x8d];

type Mutation =
  | { t: 'flip'; at: number; bit: number }
  | { t: 'set'; at: number; v: number }
  | { t: 'insert'; at: number; bytes: number[] }
  | { t: 'delete'; at: number; n: number }
  | { t: 'truncate'; at: number }
  | { t: 'len'; at: number; v: bigint }
  | { t: 'splice'; at: number; from: number; n: number; other: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ t: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({
    t: fc.constant('set' as const),
    at: fc.nat(),
    v: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat(255)),
  }),
  fc.record({
    t: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.nat(255), { maxLength: 16 }),
  }),
  fc.record({ t: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ t: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    t: fc.constant('len' as const),
    at: fc.nat(),
    v: fc.constantFrom(1n << 60n, 0xffffffffn, 0x7fffffffn, 1n << 32n, (1n << 64n) - 1n),
  }),
  fc.record({
    t: fc.constant('splice' as const),
    at: fc.nat(),
    from: fc.nat(),
    n: fc.nat(512),
    other: fc.nat(),
  }),
);

const cat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

function mutate(src: Uint8Array, ms: Mutation[]): Uint8Array {
  let b = Uint8Array.from(src);
  for (const m of ms) {
    const at = b.length ? m.at % b.length : 0;
    switch (m.t) {
      case 'flip':
        if (b.length) b[at]! ^= 1 << m.bit;
        break;
      case 'set':
        if (b.length) b[at] = m.v;
        break;
      case 'insert':
        b = cat(b.subarray(0, at), Uint8Array.from(m.bytes), b.subarray(at));
        break;
      case 'delete':
        b = cat(b.subarray(0, at), b.subarray(at + m.n));
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'len': {
        // overwrite 8 bytes after an opcode position with a huge little-endian length
        const out = Uint8Array.from(b);
        const view = new DataView(out.buffer);
        if (at + 9 <= out.length) view.setBigUint64(at + 1, m.v, true);
        b = out;
        break;
      }
      case 'splice': {
        const o = small[m.other % small.length]!;
        const from = o.length ? m.from % o.length : 0;
        b = cat(b.subarray(0, at), o.subarray(from, from + m.n), b.subarray(at));
        break;
      }
    }
  }
  return b;
}

// Opcode-level generator: a prefix, then random opcodes with plausible (or absurd) arguments.
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const str = (s: string) => [...Buffer.from(s, 'utf8')];
const token: fc.Arbitrary<readonly number[]> = fc.oneof(
  fc.constantFrom<readonly number[]>(
    [0x28], // MARK
    [0x29], // EMPTY_TUPLE
    [0x5d], // EMPTY_LIST
    [0x7d], // EMPTY_DICT
    [0x8f], // EMPTY_SET
    [0x4e], // NONE
    [0x88], // NEWTRUE
    [0x94], // MEMOIZE
    [0x74], // TUPLE
    [0x85], // TUPLE1
    [0x86], // TUPLE2
    [0x87], // TUPLE3
    [0x6c], // LIST
    [0x64], // DICT
    [0x61], // APPEND
    [0x65], // APPENDS
    [0x73], // SETITEM
    [0x75], // SETITEMS
    [0x90], // ADDITEMS
    [0x91], // FROZENSET
    [0x52], // REDUCE
    [0x81], // NEWOBJ
    [0x92], // NEWOBJ_EX
    [0x62], // BUILD
    [0x93], // STACK_GLOBAL
    [0x30], // POP
    [0x31], // POP_MARK
    [0x32], // DUP
    [0x2e], // STOP
    [0x51], // BINPERSID
    [0x97], // NEXT_BUFFER
  ),
  fc.nat(255).map((i) => [0x68, i]), // BINGET
  fc.nat(255).map((i) => [0x71, i]), // BINPUT
  fc.nat(0xffffffff).map((i) => [0x6a, ...u32(i)]), // LONG_BINGET
  fc.integer().map((i) => [0x4a, ...u32(i >>> 0)]), // BININT
  fc.nat(255).map((i) => [0x4b, i]), // BININT1
  fc.nat(300).map((n) => [0x8a, Math.min(n, 255), ...new Array(Math.min(n, 255)).fill(0xff)]), // LONG1
  fc.string({ maxLength: 12 }).map((s) => [0x8c, str(s).length, ...str(s)]), // SHORT_BINUNICODE
  fc.nat(0xffffffff).map((n) => [0x58, ...u32(n)]), // BINUNICODE with a wild length
  fc.nat(255).map((n) => [0x43, n, ...new Array(Math.min(n, 8)).fill(0)]), // SHORT_BINBYTES (often short)
  fc
    .constantFrom(
      // globals: allowed records, numpy helpers, and forbidden callables
      ['numpy.core.multiarray', '_reconstruct'],
      ['numpy', 'ndarray'],
      ['numpy', 'dtype'],
      ['numpy.core.multiarray', 'scalar'],
      ['_codecs', 'encode'],
      ['copyreg', '_reconstructor'],
      ['builtins', 'set'],
      ['joblib.numpy_pickle', 'NumpyArrayWrapper'],
      ['sklearn.tree._tree', 'Tree'],
      ['os', 'system'],
      ['builtins', 'eval'],
      ['builtins', 'exec'],
      ['builtins', 'getattr'],
      ['subprocess', 'Popen'],
      ['posix', 'system'],
      ['nt', 'system'],
      ['importlib', 'import_module'],
    )
    .map(([m, n]) => [0x8c, str(m!).length, ...str(m!), 0x8c, str(n!).length, ...str(n!), 0x93]),
  fc.constantFrom('f8', 'i8', 'O8', 'V64', 'u1', 'b1', 'c16', 'f8<').map((s) => [0x8c, s.length, ...str(s)]),
);
const stream = fc
  .tuple(
    fc.constantFrom([0x80, 0x04], [0x80, 0x02], [], [0x80, 0x05]),
    fc.array(token, { maxLength: 60 }),
    fc.boolean(),
  )
  .map(([p, toks, stop]) => Uint8Array.from([...p, ...toks.flat(), ...(stop ? [0x2e] : [])]));

const FORBIDDEN = [
  ['os', 'system'],
  ['posix', 'system'],
  ['builtins', 'eval'],
  ['builtins', 'exec'],
  ['builtins', '__import__'],
  ['subprocess', 'Popen'],
  ['subprocess', 'check_output'],
  ['shutil', 'rmtree'],
  ['pickle', 'loads'],
  ['numpy', 'load'],
  ['numpy.testing._private.utils', 'runstring'],
  ['sklearn.utils', 'Bunch'],
  ['joblib', 'load'],
  ['sklearn.linear_model._base.LinearRegression', 'fit'],
] as const;
const hostile = fc
  .tuple(fc.constantFrom(...FORBIDDEN), fc.nat(3), fc.string({ maxLength: 20 }))
  .map(([[m, n], style, arg]) => {
    const a = str(arg);
    const call = [0x8c, a.length, ...a, 0x85, 0x52, 0x2e]; // ('arg',) REDUCE STOP
    if (style === 0) return Uint8Array.from([...str(`c${m}\n${n}\n`), ...call]); // GLOBAL
    if (style === 1)
      return Uint8Array.from([
        0x80,
        0x04,
        0x8c,
        m.length,
        ...str(m),
        0x8c,
        n.length,
        ...str(n),
        0x93,
        ...call,
      ]);
    if (style === 2)
      return Uint8Array.from([0x28, ...str(`S'${arg.replace(/['\\\n]/g, '')}'\ni${m}\n${n}\n.`)]); // INST
    // hidden inside allowed data: a dict whose value is the forbidden call
    return Uint8Array.from([
      0x80,
      0x04,
      0x7d,
      0x28,
      0x8c,
      1,
      0x6b,
      ...str(`c${m}\n${n}\n`),
      ...call.slice(0, -1),
      0x75,
      0x2e,
    ]);
  });

describe('pickle reader fuzz (seeded)', () => {
  it('damaged real pickles: 6,000 mutations end in a value or a PickleError', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.nat(99),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        (pick, which, ms) => {
          const src = which < 3 ? large[pick % large.length]! : small[pick % small.length]!;
          const bytes = mutate(src, ms);
          runCase(() => loadPickle(bytes, { joblib: true, limits: LIMITS }));
        },
      ),
      { seed: SEED, numRuns: 6_000 },
    );
  }, 120_000);

  it('random opcode streams: 2,500 end in a value or a PickleError', () => {
    fc.assert(
      fc.property(stream, (bytes) => runCase(() => loadPickle(bytes, { joblib: true, limits: LIMITS }))),
      { seed: SEED + 1, numRuns: 2_500 },
    );
  }, 60_000);

  it('forbidden callables never resolve: 1,000 hostile pickles are refused as forbidden-global', () => {
    fc.assert(
      fc.property(hostile, (bytes) => {
        let err: unknown;
        try {
          loadPickle(bytes, { limits: LIMITS });
        } catch (e) {
          err = e;
        }
        stats.cases++;
        expect(err).toBeInstanceOf(PickleError);
        const code = (err as PickleError).code;
        stats.errors.set(code, (stats.errors.get(code) ?? 0) + 1);
        expect(['forbidden-global', 'malformed']).toContain(code);
        if (code === 'forbidden-global') expect((err as PickleError).global).toBeDefined();
      }),
      { seed: SEED + 2, numRuns: 1_000 },
    );
  });

  it('memo abuse, deep nesting and huge declared sizes stay within limits', () => {
    const cases: Uint8Array[] = [
      // 100k MEMOIZE of one list, then APPENDS referencing it: references, never copies
      Uint8Array.from([
        0x80,
        0x04,
        0x5d,
        ...new Array(30_000).fill(0x94),
        0x28,
        ...new Array(20_000).fill([0x68, 0]).flat(),
        0x65,
        0x2e,
      ]),
      // a self-containing list appended to itself many times
      Uint8Array.from([0x5d, 0x71, 0, ...new Array(50_000).fill([0x68, 0, 0x61]).flat(), 0x2e]),
      // 100k nested MARKs
      Uint8Array.from(new Array(100_000).fill(0x28)),
      // numpy array declaring 2^40 elements with no data
      Uint8Array.from(
        Buffer.from(
          '\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01\x8a\x06\x00\x00\x00\x00\x00\x01\x85cnumpy\ndtype\n\x8c\x02f8\x89\x88\x87R(K\x03\x8c\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89C\x00tb.',
          'latin1',
        ),
      ),
      // LONG4 of 2 GB, BINBYTES8 / BYTEARRAY8 of 2^60
      Uint8Array.from([0x8b, 0xff, 0xff, 0xff, 0x7f]),
      Uint8Array.from([0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10]),
      Uint8Array.from([0x96, 0, 0, 0, 0, 0, 0, 0, 0x10]),
    ];
    for (const c of cases) runCase(() => loadPickle(c, { joblib: true, limits: LIMITS }));
  });
});

describe('archive converter fuzz (seeded)', () => {
  it('1,500 archives with one damaged member convert (and predict) or refuse with a typed error', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (a, m, ms) => {
        const files = members[a % members.length]!;
        const names = Object.keys(files).filter((n) => !files[n]!.length || files[n]!.length < 60_000);
        const name = names[m % names.length]!;
        const map = new Map<string, Uint8Array>(Object.entries(files));
        map.set(name, mutate(files[name]!, ms));
        runCase(() => {
          const model = convertMembers('fuzz.zip', map, { pickle: LIMITS });
          const x = new Float64Array(2 * model.features.length).fill(0.5);
          predict(model, x, 2);
        });
      }),
      { seed: SEED + 3, numRuns: 1_500 },
    );
  }, 120_000);
});

describe('zip-level fuzz (seeded)', () => {
  const zips = ARCHIVES.map(readArchive).filter((b) => b.length < 40_000);
  it('600 damaged archives end in a model or an ArchiveError', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (a, ms) => {
        const bytes = mutate(zips[a % zips.length]!, ms);
        runCase(() => {
          const model = readKeplerArchive('fuzz.zip', bytes, { pickle: LIMITS });
          predict(model, new Float64Array(model.features.length).fill(1), 1);
        });
      }),
      { seed: SEED + 4, numRuns: 600 },
    );
  }, 60_000);

  it('memory stayed bounded over every case (no input may allocate past its size and the limits)', () => {
    expect(stats.peakHeapMiB - startHeapMiB).toBeLessThan(1024);
  });
});
