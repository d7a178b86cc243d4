// Shared settings of the fuzz suite. Every property runs with a fixed seed, so a failure is
// reproducible: rerun with the printed seed and path (fast-check prints both), or set FUZZ_SEED.
//   FUZZ_SEED=<n>   another seed (default 20250101)
//   FUZZ_RUNS=<n>   cases per cheap parser (default 10 000)
//   FUZZ_FULL=1     also run the expensive decoders (tfjs, Keras HDF5, TFLite) for FUZZ_RUNS cases;
//                   by default they run a smaller count that fits a developer's test run.
import fc from 'fast-check';

export const SEED = Number(process.env.FUZZ_SEED ?? 20250101);
export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const FULL = process.env.FUZZ_FULL === '1' || process.env.FUZZ_FULL === 'true';

/** Cases for a decoder that costs milliseconds per input. */
export const heavyRuns = (defaultRuns: number) => (FULL ? RUNS : Math.min(RUNS, defaultRuns));

/** One input may take at most this long (the "no hang" bound), checked after each case. */
export const CASE_TIME_LIMIT_MS = 2_000;

export const params = (numRuns = RUNS) => ({ seed: SEED, numRuns, endOnFailure: true });

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `fn`; the outcome must be a value or an error of one of `allowed` classes, within the time
 * bound. Anything else (TypeError, RangeError, a hang) fails the property with the input shown.
 */
export async function expectTyped<T>(
  fn: () => T | Promise<T>,
  allowed: readonly ErrorClass[],
): Promise<'ok' | 'refused'> {
  const started = performance.now();
  let outcome: 'ok' | 'refused';
  try {
    await fn();
    outcome = 'ok';
  } catch (err) {
    if (!allowed.some((cls) => err instanceof cls)) throw err;
    outcome = 'refused';
  }
  const took = performance.now() - started;
  if (took > CASE_TIME_LIMIT_MS)
    throw new Error(`one input took ${Math.round(took)} ms (limit ${CASE_TIME_LIMIT_MS})`);
  return outcome;
}

/** Synchronous variant, for parsers that never await (keeps 10 000 cases fast). */
export function expectTypedSync<T>(fn: () => T, allowed: readonly ErrorClass[]): 'ok' | 'refused' {
  const started = performance.now();
  let outcome: 'ok' | 'refused';
  try {
    fn();
    outcome = 'ok';
  } catch (err) {
    if (!allowed.some((cls) => err instanceof cls)) throw err;
    outcome = 'refused';
  }
  const took = performance.now() - started;
  if (took > CASE_TIME_LIMIT_MS)
    throw new Error(`one input took ${Math.round(took)} ms (limit ${CASE_TIME_LIMIT_MS})`);
  return outcome;
}

/** Byte-level damage to a valid file: flips, truncation, insertion, duplication of a slice. */
export function mutatedBytes(input: Uint8Array): fc.Arbitrary<Uint8Array> {
  // A copy as a plain Uint8Array: Buffer#slice shares memory, and the seed must never change.
  const valid = Uint8Array.from(input);
  const n = valid.length;
  const flip = fc
    .array(fc.tuple(fc.nat({ max: n - 1 }), fc.integer({ min: 1, max: 255 })), {
      minLength: 1,
      maxLength: 16,
    })
    .map((flips) => {
      const out = valid.slice();
      for (const [at, mask] of flips) out[at]! ^= mask;
      return out;
    });
  const truncate = fc.nat({ max: n - 1 }).map((at) => valid.slice(0, at));
  const insert = fc
    .tuple(fc.nat({ max: n }), fc.uint8Array({ minLength: 1, maxLength: 64 }))
    .map(([at, junk]) => concat(valid.subarray(0, at), junk, valid.subarray(at)));
  const overwriteWord = fc
    .tuple(
      fc.nat({ max: Math.max(0, n - 4) }),
      fc.constantFrom(0, 0x7fffffff, 0xffffffff, 0x80000000, 1, 0xffff),
    )
    .map(([at, word]) => {
      const out = valid.slice();
      new DataView(out.buffer).setUint32(at, word, true);
      return out;
    });
  return fc.oneof(flip, truncate, insert, overwriteWord, fc.uint8Array({ maxLength: 256 }));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** JSON with hostile shapes: deep nesting, huge numbers, odd keys (__proto__, constructor). */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 1, max: 300 }).map((depth) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc.dictionary(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'length'),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 0.1 + 0.2),
);

/** Replaces the value at a random path of a JSON document by another value. */
export function mutatedJson(valid: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    paths.push(path);
    if (paths.length > 2_000) return;
    // Typed arrays (HDF5 dataset values) are replaced whole, never element by element.
    if (ArrayBuffer.isView(v)) return;
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, i]);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths), hostileJson, fc.boolean()).map(([path, value, remove]) => {
    const copy = structuredClone(valid) as Record<string | number, unknown>;
    if (path.length === 0) return value;
    let parent: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path.at(-1)!;
    if (remove && !Array.isArray(parent)) delete parent[last];
    else parent[last] = value;
    return copy;
  });
}
