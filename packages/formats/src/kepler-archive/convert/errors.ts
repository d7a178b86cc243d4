// Conversion refusals: the archive loaded as data but is not a model this reader can run.

import { NdArray } from '../pickle/numpy.ts';
import { PyObject, PyTuple, type PyValue } from '../pickle/values.ts';

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(
    /** The archive member (or the archive) at fault. */
    readonly path: string,
    message: string,
    /** The Python class involved, when one is (e.g. sklearn.svm._classes.SVR). */
    readonly cls?: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** Typed readers over PyObject state; every failure is an ArchiveError naming the class and field. */
export class Reader {
  constructor(
    readonly path: string,
    readonly obj: PyObject,
  ) {}

  get cls(): string {
    return this.obj.cls.qualname;
  }

  fail(message: string): never {
    throw new ArchiveError(this.path, `${this.cls}: ${message}`, this.cls);
  }

  raw(key: string): PyValue | undefined {
    return this.obj.attr(key);
  }

  num(key: string): number {
    const v = this.raw(key);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof NdArray && v.data && v.size === 1) return v.data[0]!;
    return this.fail(`${key} is not a number`);
  }

  int(key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const n = this.num(key);
    if (!Number.isInteger(n) || n < min || n > max) this.fail(`${key} = ${n} is out of range`);
    return n;
  }

  str(key: string): string {
    const v = this.raw(key);
    if (typeof v !== 'string') this.fail(`${key} is not a string`);
    return v;
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.raw(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(`${key} is not a bool`);
    return v;
  }

  /** A numeric array, with its shape checked against `shape` (-1 = any). */
  array(key: string, shape?: readonly number[]): NdArray & { data: Float64Array } {
    const v = this.raw(key);
    return checkArray(this, key, v, shape);
  }

  obj2(key: string): Reader {
    const v = this.raw(key);
    if (!(v instanceof PyObject)) this.fail(`${key} is not an object`);
    return new Reader(this.path, v);
  }
}

export function checkArray(
  r: Reader,
  what: string,
  v: PyValue | undefined,
  shape?: readonly number[],
): NdArray & { data: Float64Array } {
  if (!(v instanceof NdArray) || !v.data) r.fail(`${what} is not a numeric array`);
  const arr = v as NdArray & { data: Float64Array };
  if (shape) {
    if (arr.shape.length !== shape.length || shape.some((d, i) => d >= 0 && arr.shape[i] !== d)) {
      r.fail(
        `${what} has shape (${arr.shape.join(', ')}), expected (${shape.map((d) => (d < 0 ? '*' : d)).join(', ')})`,
      );
    }
  }
  for (const x of arr.data) if (!Number.isFinite(x)) r.fail(`${what} holds a non-finite number`);
  return arr;
}

export function tupleItems(v: PyValue | undefined): PyValue[] | undefined {
  return v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
}
