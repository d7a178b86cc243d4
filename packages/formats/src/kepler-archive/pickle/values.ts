// The data a pickle turns into. Nothing here can run: classes are names, objects are records of the
// name, the constructor arguments and the state that BUILD would have applied.

import type { NdArray, NumpyDtype } from './numpy.ts';

/** A (module, name) pair that passed the allow-list, e.g. sklearn.linear_model._base.LinearRegression. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualname(): string {
    return `${this.module}.${this.name}`;
  }
}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/** Keys a dict may have here: Python's hashable scalars. Anything else is refused as `unsupported`. */
export type PyKey = string | number | bigint | boolean | null;

export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  get(key: string): PyValue | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
}

/**
 * An instance of an allow-listed class, as data: `args` from REDUCE / NEWOBJ(_EX), `state` from BUILD,
 * `items` / `entries` from APPEND(S) / SETITEM(S) on list or dict subclasses.
 */
export class PyObject {
  state: PyValue | undefined = undefined;
  readonly items: PyValue[] = [];
  readonly entries: [PyValue, PyValue][] = [];
  constructor(
    readonly cls: PyGlobal,
    readonly args: PyValue[],
    readonly kwargs?: PyDict,
  ) {}
  /** `state[key]` when the state is a dict (or a (dict, slots) tuple, as Python's BUILD accepts). */
  attr(key: string): PyValue | undefined {
    const s = this.state;
    if (s instanceof PyDict) return s.get(key);
    if (s instanceof PyTuple && s.items.length === 2) {
      for (const part of s.items) if (part instanceof PyDict && part.has(key)) return part.get(key);
    }
    return undefined;
  }
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | NdArray
  | NumpyDtype;
