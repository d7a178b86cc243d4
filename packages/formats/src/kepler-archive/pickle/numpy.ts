// numpy arrays and dtypes rebuilt as data: the bytes numpy would have wrapped are decoded into
// Float64Arrays (one per field for structured dtypes), always in C order, never sharing the input.

import { PickleError } from './errors.ts';
import { PyDict, PyTuple, type PyValue } from './values.ts';

export interface DtypeField {
  readonly name: string;
  readonly dtype: NumpyDtype;
  readonly offset: number;
}

/** A numpy dtype: scalar kinds f/i/u/b, objects (O), or a structured record (V with fields). */
export class NumpyDtype {
  byteorder: '<' | '>' | '|' | '=';
  itemsize: number;
  fields: DtypeField[] | undefined = undefined;
  constructor(
    readonly kind: 'f' | 'i' | 'u' | 'b' | 'O' | 'V',
    itemsize: number,
    byteorder: '<' | '>' | '|' | '=' = '=',
  ) {
    this.itemsize = itemsize;
    this.byteorder = byteorder;
  }
  get hasObject(): boolean {
    return this.kind === 'O' || (this.fields?.some((f) => f.dtype.hasObject) ?? false);
  }
  get str(): string {
    return `${this.byteorder}${this.kind}${this.itemsize}`;
  }
}

const SIZES: Record<string, readonly number[]> = {
  f: [2, 4, 8],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  b: [1],
  O: [4, 8],
};

/** `numpy.dtype(typestr, align, copy)`, as REDUCE calls it. */
export function dtypeFromReduce(args: PyValue[], offset: number): NumpyDtype {
  const spec = args[0];
  if (typeof spec !== 'string')
    throw new PickleError('malformed', 'numpy.dtype expects a type string', offset);
  const m = /^([<>|=]?)([a-zA-Z])(\d{1,6})$/.exec(spec);
  if (!m) throw new PickleError('unsupported', `numpy dtype ${JSON.stringify(spec)}`, offset);
  const kind = m[2]!;
  const size = Number(m[3]);
  const order = (m[1] || '=') as NumpyDtype['byteorder'];
  if (kind === 'V') {
    if (size < 1 || size > 1 << 16) throw new PickleError('limit', `record dtype of ${size} bytes`, offset);
    return new NumpyDtype('V', size, '|');
  }
  const allowed = SIZES[kind];
  if (!allowed?.includes(size)) throw new PickleError('unsupported', `numpy dtype ${spec}`, offset);
  return new NumpyDtype(kind as NumpyDtype['kind'], size, size === 1 || kind === 'O' ? '|' : order);
}

/** numpy's `dtype.__setstate__`: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]). */
export function dtypeSetState(dt: NumpyDtype, state: PyValue, offset: number): void {
  if (!(state instanceof PyTuple) || state.items.length < 8 || state.items.length > 9) {
    throw new PickleError('malformed', 'numpy dtype state must be an 8- or 9-tuple', offset);
  }
  const [, byteorder, subarray, names, fields, elsize] = state.items;
  if (byteorder === '<' || byteorder === '>' || byteorder === '|' || byteorder === '=')
    dt.byteorder = byteorder;
  else throw new PickleError('malformed', 'numpy dtype byte order', offset);
  if (subarray !== null) throw new PickleError('unsupported', 'numpy sub-array dtypes', offset);
  if (names === null || names === undefined) {
    if (fields !== null) throw new PickleError('malformed', 'numpy dtype fields without names', offset);
    return;
  }
  if (dt.kind !== 'V') throw new PickleError('malformed', 'fields on a non-record dtype', offset);
  if (!(names instanceof PyTuple) || !(fields instanceof PyDict)) {
    throw new PickleError('malformed', 'numpy record dtype names/fields', offset);
  }
  if (typeof elsize === 'number' && elsize !== dt.itemsize) {
    if (!Number.isInteger(elsize) || elsize < 1 || elsize > 1 << 16) {
      throw new PickleError('malformed', 'numpy record itemsize', offset);
    }
    dt.itemsize = elsize;
  }
  const out: DtypeField[] = [];
  for (const name of names.items) {
    if (typeof name !== 'string') throw new PickleError('malformed', 'numpy field name', offset);
    const f = fields.get(name);
    if (!(f instanceof PyTuple) || f.items.length < 2) {
      throw new PickleError('malformed', `numpy field ${name} has no (dtype, offset)`, offset);
    }
    const [fdt, foff] = f.items;
    if (!(fdt instanceof NumpyDtype) || typeof foff !== 'number' || !Number.isInteger(foff) || foff < 0) {
      throw new PickleError('malformed', `numpy field ${name}`, offset);
    }
    if (fdt.kind === 'V' || fdt.kind === 'O')
      throw new PickleError('unsupported', `nested field ${name}`, offset);
    if (foff + fdt.itemsize > dt.itemsize)
      throw new PickleError('malformed', `numpy field ${name} overflows`, offset);
    out.push({ name, dtype: fdt, offset: foff });
  }
  dt.fields = out;
}

/** An ndarray as data. Numeric values (ints, bools, floats) are widened to float64; objects stay values. */
export class NdArray {
  shape: number[];
  dtype: NumpyDtype | undefined;
  data: Float64Array | undefined = undefined;
  fields: Map<string, Float64Array> | undefined = undefined;
  objects: PyValue[] | undefined = undefined;
  constructor(shape: number[], dtype?: NumpyDtype) {
    this.shape = shape;
    this.dtype = dtype;
  }
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** Set once BUILD (or joblib's inline reader) filled the array. */
  get filled(): boolean {
    return this.data !== undefined || this.fields !== undefined || this.objects !== undefined;
  }
}

/** Element count of a shape, refused above `max` (and for negative or non-integer dimensions). */
export function shapeSize(shape: readonly number[], max: number, offset: number): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new PickleError('malformed', `array dimension ${d}`, offset);
    n *= d;
    if (n > max) throw new PickleError('limit', `array of more than ${max} elements`, offset);
  }
  return n;
}

export function shapeOf(v: PyValue, offset: number): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
  if (!items || items.length > 32) throw new PickleError('malformed', 'array shape', offset);
  return items.map((d) => {
    const n = typeof d === 'bigint' ? Number(d) : d;
    if (typeof n !== 'number') throw new PickleError('malformed', 'array shape', offset);
    return n;
  });
}

function readScalar(view: DataView, at: number, dt: NumpyDtype): number {
  const le = dt.byteorder !== '>';
  switch (dt.kind) {
    case 'f':
      if (dt.itemsize === 8) return view.getFloat64(at, le);
      if (dt.itemsize === 4) return view.getFloat32(at, le);
      return halfToFloat(view.getUint16(at, le));
    case 'i':
      if (dt.itemsize === 8) return Number(view.getBigInt64(at, le));
      if (dt.itemsize === 4) return view.getInt32(at, le);
      if (dt.itemsize === 2) return view.getInt16(at, le);
      return view.getInt8(at);
    case 'u':
      if (dt.itemsize === 8) return Number(view.getBigUint64(at, le));
      if (dt.itemsize === 4) return view.getUint32(at, le);
      if (dt.itemsize === 2) return view.getUint16(at, le);
      return view.getUint8(at);
    case 'b':
      return view.getUint8(at) ? 1 : 0;
    default:
      throw new PickleError('unsupported', `scalar of kind ${dt.kind}`);
  }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** One numpy scalar (`numpy.core.multiarray.scalar(dtype, bytes)`). */
export function scalarFromBytes(dt: NumpyDtype, bytes: Uint8Array, offset: number): number {
  if (dt.kind === 'V' || dt.kind === 'O' || bytes.length !== dt.itemsize) {
    throw new PickleError('malformed', `numpy scalar of ${dt.str} from ${bytes.length} bytes`, offset);
  }
  return readScalar(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), 0, dt);
}

/**
 * Fills `arr` from raw element bytes (exactly size × itemsize of them), laid out in C or Fortran order.
 * The result is always C order.
 */
export function fillFromBytes(arr: NdArray, raw: Uint8Array, fortran: boolean, offset: number): void {
  const dt = arr.dtype!;
  const n = arr.size;
  if (dt.hasObject) throw new PickleError('malformed', 'object array from raw bytes', offset);
  if (raw.length !== n * dt.itemsize) {
    throw new PickleError(
      'malformed',
      `array of ${n} × ${dt.itemsize} bytes from ${raw.length} bytes`,
      offset,
    );
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const perm = fortran && arr.shape.length > 1 ? fortranToC(arr.shape) : undefined;
  const decode = (fieldDt: NumpyDtype, fieldOffset: number): Float64Array => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = readScalar(view, i * dt.itemsize + fieldOffset, fieldDt);
      if (perm) out[perm[i]!] = v;
      else out[i] = v;
    }
    return out;
  };
  if (dt.kind === 'V') {
    if (!dt.fields) throw new PickleError('unsupported', 'record dtype without fields', offset);
    arr.fields = new Map(dt.fields.map((f) => [f.name, decode(f.dtype, f.offset)]));
  } else {
    arr.data = decode(dt, 0);
  }
}

/** Object arrays: the list BUILD carries, reordered from Fortran if needed. */
export function fillObjects(arr: NdArray, items: PyValue[], fortran: boolean, offset: number): void {
  if (items.length !== arr.size) {
    throw new PickleError('malformed', `object array of ${arr.size} from ${items.length} items`, offset);
  }
  if (fortran && arr.shape.length > 1) {
    const perm = fortranToC(arr.shape);
    const out: PyValue[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) out[perm[i]!] = items[i]!;
    arr.objects = out;
  } else arr.objects = items.slice();
}

/** perm[i] = C-order index of the i-th element in Fortran order. */
function fortranToC(shape: readonly number[]): Int32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const perm = new Int32Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  const cStrides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    cStrides[d] = s;
    s *= shape[d]!;
  }
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let d = 0; d < shape.length; d++) c += idx[d]! * cStrides[d]!;
    perm[i] = c;
    for (let d = 0; d < shape.length; d++) {
      idx[d]!++;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return perm;
}
