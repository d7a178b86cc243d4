// A pickle virtual machine that only builds data. It reads protocols 0–5, resolves globals against
// the allow-list, and models REDUCE / NEWOBJ / BUILD as records, so loading never runs code. Every
// opcode consumes at least one input byte and every allocation is bounded by the input or a limit,
// so any input ends (STOP or a PickleError) in time and memory linear in its size.

import { type GlobalKind, lookupGlobal } from './allow-list.ts';
import { PickleError } from './errors.ts';
import {
  dtypeFromReduce,
  dtypeSetState,
  fillFromBytes,
  fillObjects,
  NdArray,
  NumpyDtype,
  scalarFromBytes,
  shapeOf,
  shapeSize,
} from './numpy.ts';
import { PyDict, PyGlobal, type PyKey, PyObject, PySet, PyTuple, type PyValue } from './values.ts';

export interface PickleLimits {
  /** Largest input accepted at all. */
  maxInputBytes: number;
  /** Deepest value stack (plus mark stack). */
  maxStack: number;
  /** Most memo entries. */
  maxMemo: number;
  /** Most items in one list / tuple / dict / set, and on the stack above one MARK. */
  maxContainerItems: number;
  /** Most elements in one array (bytes are bounded by the input anyway). */
  maxArrayElements: number;
  /** Most opcodes executed (each consumes ≥ 1 byte, so input size bounds it too). */
  maxSteps: number;
  /** Longest LONG1/LONG4/LONG text (bytes / digits), as Python bounds int parsing. */
  maxLongBytes: number;
  /** Most nested pickles (joblib pickles object arrays as pickles inside the stream). */
  maxNestedPickles: number;
}

export const DEFAULT_LIMITS: PickleLimits = {
  maxInputBytes: 256 * 1024 * 1024,
  maxStack: 100_000,
  maxMemo: 1_000_000,
  maxContainerItems: 10_000_000,
  maxArrayElements: 64 * 1024 * 1024,
  maxSteps: 50_000_000,
  maxLongBytes: 4_300,
  maxNestedPickles: 10_000,
};

export interface LoadOptions {
  limits?: Partial<PickleLimits>;
  /**
   * Read the stream as joblib writes it: after a NumpyArrayWrapper is built, the array's bytes follow
   * inline (object arrays as a nested pickle), and the wrapper is replaced by the array.
   */
  joblib?: boolean;
}

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

/** Loads one pickle (for joblib files: the whole file). Throws PickleError on anything it refuses. */
export function loadPickle(input: Uint8Array, options: LoadOptions = {}): PyValue {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (input.length > limits.maxInputBytes) {
    throw new PickleError('limit', `input of ${input.length} bytes exceeds ${limits.maxInputBytes}`);
  }
  const vm = new Vm(input, limits, options.joblib ?? false);
  const value = vm.run(0);
  return value;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

class Vm {
  private pos = 0;
  private steps = 0;
  private nested = 0;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    private readonly limits: PickleLimits,
    private readonly joblib: boolean,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  // ---- byte reading, always bounds-checked before allocation
  private need(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new PickleError('malformed', `${what}: length ${n}`, this.pos);
    if (this.pos + n > this.buf.length) {
      throw new PickleError(
        'truncated',
        `${what} needs ${n} bytes, ${this.buf.length - this.pos} left`,
        this.pos,
      );
    }
  }
  private u8(): number {
    this.need(1, 'byte');
    return this.buf[this.pos++]!;
  }
  private u16(): number {
    this.need(2, 'uint16');
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  private u32(): number {
    this.need(4, 'uint32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private i32(): number {
    this.need(4, 'int32');
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  private u64(what: string): number {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    const remaining = BigInt(this.buf.length - this.pos);
    if (v > remaining) {
      throw new PickleError('truncated', `${what} declares ${v} bytes, ${remaining} left`, this.pos - 8);
    }
    return Number(v);
  }
  private bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  private line(what: string): string {
    const end = this.buf.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleError('truncated', `${what}: no newline`, this.pos);
    if (end - this.pos > 1 << 20) throw new PickleError('limit', `${what}: line too long`, this.pos);
    const s = latin1.decode(this.buf.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  private text(n: number, what: string): string {
    this.need(n, what);
    try {
      return utf8.decode(this.buf.subarray(this.pos, this.pos + n));
    } catch {
      throw new PickleError('malformed', `${what} is not UTF-8`, this.pos);
    } finally {
      this.pos += n;
    }
  }

  /** Runs one pickle from the current position to its STOP; returns the value STOP pops. */
  run(depth: number): PyValue {
    const stack: Slot[] = [];
    const marks: number[] = [];
    const memo = new Map<number, PyValue>();
    const L = this.limits;

    const push = (v: PyValue): void => {
      if (stack.length >= L.maxStack) throw new PickleError('limit', `stack deeper than ${L.maxStack}`, at);
      stack.push(v);
    };
    const pop = (): PyValue => {
      const base = marks.length ? marks[marks.length - 1]! : 0;
      if (stack.length <= base) throw new PickleError('malformed', 'stack underflow', at);
      return stack.pop() as PyValue;
    };
    const top = (): PyValue => {
      const base = marks.length ? marks[marks.length - 1]! : 0;
      if (stack.length <= base) throw new PickleError('malformed', 'stack underflow', at);
      return stack[stack.length - 1] as PyValue;
    };
    const popMark = (): PyValue[] => {
      const m = marks.pop();
      if (m === undefined) throw new PickleError('malformed', 'no MARK on the stack', at);
      const items = stack.splice(m) as PyValue[];
      if (items.length > L.maxContainerItems) throw new PickleError('limit', 'too many items after MARK', at);
      return items;
    };
    const memoPut = (i: number, v: PyValue): void => {
      if (!memo.has(i) && memo.size >= L.maxMemo)
        throw new PickleError('limit', `memo over ${L.maxMemo}`, at);
      memo.set(i, v);
    };
    const memoGet = (i: number): PyValue => {
      const v = memo.get(i);
      if (v === undefined && !memo.has(i)) throw new PickleError('malformed', `memo ${i} unset`, at);
      return v as PyValue;
    };

    let at = this.pos;
    for (;;) {
      if (++this.steps > L.maxSteps) throw new PickleError('limit', `more than ${L.maxSteps} opcodes`, at);
      at = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: {
          // PROTO
          const p = this.u8();
          if (p > 5) throw new PickleError('unsupported', `protocol ${p}`, at);
          break;
        }
        case 0x95: {
          // FRAME: a length hint; data is read linearly, only check it fits
          const n = this.u64('FRAME');
          void n;
          break;
        }
        case 0x2e: {
          // STOP
          const v = pop();
          if (marks.length) throw new PickleError('malformed', 'STOP with an open MARK', at);
          return v;
        }
        case 0x28: // MARK
          if (marks.length >= L.maxStack) throw new PickleError('limit', 'too many MARKs', at);
          marks.push(stack.length);
          break;
        case 0x30: // POP
          if (stack.length && stack[stack.length - 1] === MARK) stack.pop();
          else pop();
          break;
        case 0x31: // POP_MARK
          popMark();
          break;
        case 0x32: // DUP
          push(top());
          break;
        // ---- ints / floats
        case 0x4a: // BININT
          push(this.i32());
          break;
        case 0x4b: // BININT1
          push(this.u8());
          break;
        case 0x4d: // BININT2
          push(this.u16());
          break;
        case 0x8a: {
          // LONG1
          const n = this.u8();
          push(this.long(this.bytes(n, 'LONG1'), at));
          break;
        }
        case 0x8b: {
          // LONG4
          const n = this.i32();
          if (n < 0) throw new PickleError('malformed', 'LONG4 negative length', at);
          if (n > L.maxLongBytes) throw new PickleError('limit', `LONG4 of ${n} bytes`, at);
          push(this.long(this.bytes(n, 'LONG4'), at));
          break;
        }
        case 0x49: {
          // INT (text): "00"/"01" are False/True in protocol 0
          const s = this.line('INT');
          if (s === '00') push(false);
          else if (s === '01') push(true);
          else push(this.parseInt(s, at));
          break;
        }
        case 0x4c: {
          // LONG (text) with optional trailing L
          const s = this.line('LONG');
          push(this.parseInt(s.endsWith('L') ? s.slice(0, -1) : s, at));
          break;
        }
        case 0x46: {
          // FLOAT (text)
          const s = this.line('FLOAT').trim();
          if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|nan|infinity)$/i.test(s)) {
            throw new PickleError('malformed', 'FLOAT text', at);
          }
          const low = s.toLowerCase().replace(/^\+/, '');
          push(
            low.endsWith('nan')
              ? Number.NaN
              : low.endsWith('inf') || low.endsWith('infinity')
                ? low.startsWith('-')
                  ? Number.NEGATIVE_INFINITY
                  : Number.POSITIVE_INFINITY
                : Number(s),
          );
          break;
        }
        case 0x47: {
          // BINFLOAT (big-endian)
          this.need(8, 'BINFLOAT');
          push(this.view.getFloat64(this.pos, false));
          this.pos += 8;
          break;
        }
        // ---- constants
        case 0x4e: // NONE
          push(null);
          break;
        case 0x88: // NEWTRUE
          push(true);
          break;
        case 0x89: // NEWFALSE
          push(false);
          break;
        // ---- strings and bytes
        case 0x58: // BINUNICODE
          push(this.text(this.u32(), 'BINUNICODE'));
          break;
        case 0x8c: // SHORT_BINUNICODE
          push(this.text(this.u8(), 'SHORT_BINUNICODE'));
          break;
        case 0x8d: // BINUNICODE8
          push(this.text(this.u64('BINUNICODE8'), 'BINUNICODE8'));
          break;
        case 0x56: // UNICODE (raw-unicode-escape line)
          push(this.rawUnicodeEscape(this.line('UNICODE'), at));
          break;
        case 0x53: // STRING (quoted repr)
          push(this.quoted(this.line('STRING'), at));
          break;
        case 0x54: {
          // BINSTRING (py2 str, read as latin-1 text)
          const n = this.i32();
          if (n < 0) throw new PickleError('malformed', 'BINSTRING negative length', at);
          push(latin1.decode(this.bytes(n, 'BINSTRING')));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          push(latin1.decode(this.bytes(this.u8(), 'SHORT_BINSTRING')));
          break;
        case 0x42: // BINBYTES
          push(this.bytes(this.u32(), 'BINBYTES'));
          break;
        case 0x43: // SHORT_BINBYTES
          push(this.bytes(this.u8(), 'SHORT_BINBYTES'));
          break;
        case 0x8e: // BINBYTES8
          push(this.bytes(this.u64('BINBYTES8'), 'BINBYTES8'));
          break;
        case 0x96: // BYTEARRAY8
          push(this.bytes(this.u64('BYTEARRAY8'), 'BYTEARRAY8'));
          break;
        case 0x98: // READONLY_BUFFER: a no-op on in-band data
          top();
          break;
        case 0x97: // NEXT_BUFFER: out-of-band buffers are never supplied
          throw new PickleError('unknown-opcode', 'NEXT_BUFFER (out-of-band data) is not accepted', at);
        // ---- containers
        case 0x29: // EMPTY_TUPLE
          push(new PyTuple([]));
          break;
        case 0x85: // TUPLE1
          push(new PyTuple([pop()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = pop();
          const a = pop();
          push(new PyTuple([a, b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = pop();
          const b = pop();
          const a = pop();
          push(new PyTuple([a, b, c]));
          break;
        }
        case 0x74: // TUPLE
          push(new PyTuple(popMark()));
          break;
        case 0x5d: // EMPTY_LIST
          push([]);
          break;
        case 0x6c: // LIST
          push(popMark());
          break;
        case 0x61: {
          // APPEND
          const v = pop();
          this.extend(top(), [v], at);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = popMark();
          this.extend(top(), items, at);
          break;
        }
        case 0x7d: // EMPTY_DICT
          push(new PyDict());
          break;
        case 0x64: {
          // DICT
          const items = popMark();
          const d = new PyDict();
          this.setItems(d, items, at);
          push(d);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = pop();
          const k = pop();
          this.setItems(top(), [k, v], at);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = popMark();
          this.setItems(top(), items, at);
          break;
        }
        case 0x8f: // EMPTY_SET
          push(new PySet([], false));
          break;
        case 0x90: {
          // ADDITEMS
          const items = popMark();
          const s = top();
          if (!(s instanceof PySet) || s.frozen)
            throw new PickleError('malformed', 'ADDITEMS on a non-set', at);
          if (s.items.length + items.length > L.maxContainerItems)
            throw new PickleError('limit', 'set too big', at);
          for (const it of items) s.items.push(it);
          break;
        }
        case 0x91: // FROZENSET
          push(new PySet(popMark(), true));
          break;
        // ---- memo
        case 0x94: // MEMOIZE
          memoPut(memo.size, top());
          break;
        case 0x71: // BINPUT
          memoPut(this.u8(), top());
          break;
        case 0x72: // LONG_BINPUT
          memoPut(this.u32(), top());
          break;
        case 0x70: // PUT
          memoPut(this.parseIndex(this.line('PUT'), at), top());
          break;
        case 0x68: // BINGET
          push(memoGet(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          push(memoGet(this.u32()));
          break;
        case 0x67: // GET
          push(memoGet(this.parseIndex(this.line('GET'), at)));
          break;
        // ---- globals and objects
        case 0x63: {
          // GLOBAL
          const module = this.line('GLOBAL module');
          const name = this.line('GLOBAL name');
          push(this.global(module, name, at));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = pop();
          const module = pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            throw new PickleError('malformed', 'STACK_GLOBAL needs two strings', at);
          }
          push(this.global(module, name, at));
          break;
        }
        case 0x69: {
          // INST module\nname\n with MARK args
          const module = this.line('INST module');
          const name = this.line('INST name');
          const cls = this.global(module, name, at);
          push(this.call(cls, popMark(), at));
          break;
        }
        case 0x6f: {
          // OBJ: MARK cls args...
          const items = popMark();
          if (items.length === 0) throw new PickleError('malformed', 'OBJ without a class', at);
          push(this.call(items[0]!, items.slice(1), at));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          const fn = pop();
          if (!(args instanceof PyTuple))
            throw new PickleError('malformed', 'REDUCE arguments must be a tuple', at);
          push(this.call(fn, args.items, at));
          break;
        }
        case 0x81: {
          // NEWOBJ: cls.__new__(cls, *args)
          const args = pop();
          const cls = pop();
          if (!(args instanceof PyTuple))
            throw new PickleError('malformed', 'NEWOBJ arguments must be a tuple', at);
          push(this.newObject(cls, args.items, undefined, at));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = pop();
          const args = pop();
          const cls = pop();
          if (!(args instanceof PyTuple) || !(kwargs instanceof PyDict)) {
            throw new PickleError('malformed', 'NEWOBJ_EX needs (tuple, dict)', at);
          }
          push(this.newObject(cls, args.items, kwargs, at));
          break;
        }
        case 0x62: {
          // BUILD
          const state = pop();
          const obj = top();
          const built = this.build(obj, state, at, depth);
          if (built !== obj) stack[stack.length - 1] = built;
          break;
        }
        case 0x50: // PERSID
        case 0x51: // BINPERSID
          throw new PickleError('persistent-id', 'persistent ids are not accepted', at);
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          throw new PickleError('unknown-opcode', 'extension-registry opcodes are not accepted', at);
        default:
          throw new PickleError('unknown-opcode', `opcode 0x${op.toString(16).padStart(2, '0')}`, at);
      }
    }
  }

  // ---- helpers for opcodes

  private parseInt(s: string, at: number): number | bigint {
    const t = s.trim();
    if (t.length > this.limits.maxLongBytes) throw new PickleError('limit', 'integer text too long', at);
    if (!/^[+-]?\d+$/.test(t)) throw new PickleError('malformed', 'integer text', at);
    const b = BigInt(t);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }

  private parseIndex(s: string, at: number): number {
    if (!/^\d{1,10}$/.test(s)) throw new PickleError('malformed', 'memo index', at);
    return Number(s);
  }

  /** Little-endian two's-complement integer (LONG1/LONG4). */
  private long(b: Uint8Array, at: number): number | bigint {
    if (b.length > this.limits.maxLongBytes) throw new PickleError('limit', `LONG of ${b.length} bytes`, at);
    if (b.length === 0) return 0;
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  private rawUnicodeEscape(s: string, at: number): string {
    return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string, b: string) => {
      const cp = Number.parseInt(a ?? b, 16);
      if (cp > 0x10ffff) throw new PickleError('malformed', 'UNICODE escape', at);
      return String.fromCodePoint(cp);
    });
  }

  private quoted(s: string, at: number): string {
    const q = s[0];
    if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) {
      throw new PickleError('malformed', 'STRING must be quoted', at);
    }
    const body = s.slice(1, -1);
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      "'": "'",
      '"': '"',
      '0': '\0',
    };
    return body.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
      if (e.length === 3) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
      const r = simple[e];
      if (r === undefined) throw new PickleError('unsupported', `STRING escape \\${e}`, at);
      return r;
    });
  }

  private global(module: string, name: string, at: number): PyGlobal {
    if (!lookupGlobal(module, name)) {
      const e = new PickleError('forbidden-global', `${module}.${name} is not on the allow-list`, at);
      e.global = `${module}.${name}`;
      throw e;
    }
    return new PyGlobal(module, name);
  }

  private kindOf(fn: PyValue, what: string, at: number): [PyGlobal, GlobalKind] {
    if (!(fn instanceof PyGlobal)) throw new PickleError('malformed', `${what} of a non-global`, at);
    const kind = lookupGlobal(fn.module, fn.name);
    if (!kind) throw new PickleError('forbidden-global', `${fn.qualname} is not on the allow-list`, at);
    return [fn, kind];
  }

  /** REDUCE / INST / OBJ: a few numpy and stdlib helpers are modelled; every other global becomes a record. */
  private call(fn: PyValue, args: PyValue[], at: number): PyValue {
    const [g, kind] = this.kindOf(fn, 'call', at);
    switch (kind) {
      case 'ndarray-reconstruct': {
        // _reconstruct(ndarray, shape, typecode): an empty array that BUILD fills
        const [sub] = args;
        if (!(sub instanceof PyGlobal) || sub.qualname !== 'numpy.ndarray') {
          throw new PickleError('unsupported', 'ndarray subclass in _reconstruct', at);
        }
        return new NdArray([0]);
      }
      case 'ndarray-frombuffer': {
        const [buf, dt, shape, order] = args;
        if (!(buf instanceof Uint8Array) || !(dt instanceof NumpyDtype)) {
          throw new PickleError('malformed', '_frombuffer(bytes, dtype, shape, order)', at);
        }
        const arr = new NdArray(shapeOf(shape ?? null, at), dt);
        shapeSize(arr.shape, this.limits.maxArrayElements, at);
        fillFromBytes(arr, buf, order === 'F', at);
        return arr;
      }
      case 'dtype':
        return dtypeFromReduce(args, at);
      case 'scalar': {
        const [dt, data] = args;
        if (!(dt instanceof NumpyDtype)) throw new PickleError('malformed', 'scalar needs a dtype', at);
        if (dt.kind === 'O') return data ?? null;
        let bytes = data;
        if (typeof bytes === 'string') bytes = this.latin1Bytes(bytes, at);
        if (!(bytes instanceof Uint8Array)) throw new PickleError('malformed', 'scalar needs bytes', at);
        return scalarFromBytes(dt, bytes, at);
      }
      case 'codecs-encode': {
        const [s, enc] = args;
        if (typeof s !== 'string' || (enc !== 'latin1' && enc !== 'latin-1')) {
          throw new PickleError('unsupported', '_codecs.encode other than (str, "latin1")', at);
        }
        return this.latin1Bytes(s, at);
      }
      case 'copyreg-reconstructor': {
        const [cls, base, state] = args;
        if (!(base instanceof PyGlobal) || base.qualname !== 'builtins.object' || (state ?? null) !== null) {
          throw new PickleError('unsupported', 'copyreg._reconstructor other than (cls, object, None)', at);
        }
        return this.newObject(cls ?? null, [], undefined, at);
      }
      case 'bytes':
        if (args.length) throw new PickleError('unsupported', `${g.qualname} with arguments`, at);
        return new Uint8Array(0);
      case 'set': {
        const [items] = args;
        if (args.length > 1 || (items !== undefined && !Array.isArray(items))) {
          throw new PickleError('unsupported', `${g.qualname} of anything but a list`, at);
        }
        return new PySet(items ? items.slice() : [], g.name === 'frozenset');
      }
      case 'joblib-array':
      case 'record':
        return new PyObject(g, args);
    }
  }

  private newObject(cls: PyValue, args: PyValue[], kwargs: PyDict | undefined, at: number): PyValue {
    const [g, kind] = this.kindOf(cls, 'NEWOBJ', at);
    if (kind !== 'record' && kind !== 'joblib-array') {
      throw new PickleError('unsupported', `NEWOBJ of ${g.qualname}`, at);
    }
    return new PyObject(g, args, kwargs);
  }

  private latin1Bytes(s: string, at: number): Uint8Array {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) throw new PickleError('malformed', 'latin-1 text above U+00FF', at);
      out[i] = c;
    }
    return out;
  }

  private extend(target: PyValue, items: PyValue[], at: number): void {
    const list = Array.isArray(target) ? target : target instanceof PyObject ? target.items : undefined;
    if (!list) throw new PickleError('malformed', 'APPEND to a non-list', at);
    if (list.length + items.length > this.limits.maxContainerItems)
      throw new PickleError('limit', 'list too big', at);
    for (const it of items) list.push(it);
  }

  private setItems(target: PyValue, items: PyValue[], at: number): void {
    if (items.length % 2) throw new PickleError('malformed', 'odd number of dict items', at);
    if (target instanceof PyObject) {
      if (target.entries.length + items.length / 2 > this.limits.maxContainerItems) {
        throw new PickleError('limit', 'dict too big', at);
      }
      for (let i = 0; i < items.length; i += 2) target.entries.push([items[i]!, items[i + 1]!]);
      return;
    }
    if (!(target instanceof PyDict)) throw new PickleError('malformed', 'SETITEM on a non-dict', at);
    if (target.map.size + items.length / 2 > this.limits.maxContainerItems) {
      throw new PickleError('limit', 'dict too big', at);
    }
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i]!;
      if (
        k !== null &&
        typeof k !== 'string' &&
        typeof k !== 'number' &&
        typeof k !== 'bigint' &&
        typeof k !== 'boolean'
      ) {
        throw new PickleError('unsupported', 'dict key that is not a str/int/float/bool/None', at);
      }
      target.map.set(k as PyKey, items[i + 1]!);
    }
  }

  /** BUILD: numpy's __setstate__ for arrays and dtypes, joblib's inline arrays, state for records. */
  private build(obj: PyValue, state: PyValue, at: number, depth: number): PyValue {
    if (obj instanceof NdArray) {
      if (obj.filled) throw new PickleError('malformed', 'BUILD on a filled array', at);
      this.arraySetState(obj, state, at);
      return obj;
    }
    if (obj instanceof NumpyDtype) {
      dtypeSetState(obj, state, at);
      return obj;
    }
    if (!(obj instanceof PyObject))
      throw new PickleError('malformed', 'BUILD on a value that is no object', at);
    if (obj.state !== undefined) throw new PickleError('malformed', 'BUILD twice on one object', at);
    obj.state = state;
    if (this.joblib && depth === 0 && lookupGlobal(obj.cls.module, obj.cls.name) === 'joblib-array') {
      return this.joblibArray(obj, at);
    }
    return obj;
  }

  /** ndarray.__setstate__((version,) shape, dtype, is_fortran, rawdata). */
  private arraySetState(arr: NdArray, state: PyValue, at: number): void {
    if (!(state instanceof PyTuple) || (state.items.length !== 5 && state.items.length !== 4)) {
      throw new PickleError('malformed', 'ndarray state must be a 4- or 5-tuple', at);
    }
    const s = state.items.length === 5 ? state.items.slice(1) : state.items;
    const [shape, dt, fortran, raw] = s;
    if (!(dt instanceof NumpyDtype)) throw new PickleError('malformed', 'ndarray state without a dtype', at);
    arr.shape = shapeOf(shape ?? null, at);
    arr.dtype = dt;
    shapeSize(arr.shape, this.limits.maxArrayElements, at);
    if (dt.hasObject) {
      if (!Array.isArray(raw)) throw new PickleError('malformed', 'object array data must be a list', at);
      fillObjects(arr, raw, fortran === true, at);
      return;
    }
    let bytes = raw;
    if (typeof bytes === 'string') bytes = this.latin1Bytes(bytes, at);
    if (!(bytes instanceof Uint8Array)) throw new PickleError('malformed', 'ndarray data must be bytes', at);
    fillFromBytes(arr, bytes, fortran === true, at);
  }

  /** joblib's NumpyArrayWrapper: (padding) raw bytes follow in the stream, or a pickle for object arrays. */
  private joblibArray(w: PyObject, at: number): NdArray {
    const shape = w.attr('shape');
    const dt = w.attr('dtype');
    const order = w.attr('order');
    const sub = w.attr('subclass');
    if (!(dt instanceof NumpyDtype))
      throw new PickleError('malformed', 'NumpyArrayWrapper without a dtype', at);
    if (!(sub instanceof PyGlobal) || sub.qualname !== 'numpy.ndarray') {
      throw new PickleError('unsupported', 'NumpyArrayWrapper of an ndarray subclass', at);
    }
    const arr = new NdArray(shapeOf(shape ?? null, at), dt);
    const n = shapeSize(arr.shape, this.limits.maxArrayElements, at);
    const fortran = order === 'F';
    if (dt.hasObject) {
      if (++this.nested > this.limits.maxNestedPickles)
        throw new PickleError('limit', 'too many nested pickles', at);
      const inner = this.run(1);
      if (!(inner instanceof NdArray) || !inner.objects) {
        throw new PickleError('malformed', 'joblib object array is not an object ndarray', at);
      }
      if (inner.size !== n) throw new PickleError('malformed', 'joblib object array shape mismatch', at);
      arr.objects = inner.objects;
      return arr;
    }
    if (w.attr('numpy_array_alignment_bytes') !== undefined) {
      const pad = this.u8();
      this.need(pad, 'array padding');
      this.pos += pad;
    }
    const nbytes = n * dt.itemsize;
    this.need(nbytes, 'joblib array data');
    fillFromBytes(arr, this.buf.subarray(this.pos, this.pos + nbytes), fortran, at);
    this.pos += nbytes;
    return arr;
  }
}
