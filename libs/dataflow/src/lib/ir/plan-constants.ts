import { DataType, Precision, type Table, tableFromIPC } from 'apache-arrow';
import { allocate, DType, TypedArray } from '../core/dtype';
import { formatShape } from '../core/shape';
import { Tensor } from '../core/tensor';
import { clip, errorText, fail, fields, get, MAX_DIM, object, quoted, readDType, readShape, show, SPECIAL_NUMBERS } from './plan-json';

// A saved plan's constants (validate.ts): inline values or Arrow IPC, decoded and checked, each used once at least.

const CONST_KEY = /^k(0|[1-9][0-9]{0,8})$/;

/** The file's constants, decoded up front; each must be used by some const node or seed. */
export class ConstantPool {
  private readonly tensors = new Map<string, Tensor>();
  private readonly used = new Set<string>();

  constructor(raw: unknown) {
    const o = object(raw, 'constants', 'an object mapping keys to constants');
    for (const key of Object.keys(o)) {
      // The pattern also keeps out __proto__ and friends: keys only ever index this Map.
      if (!CONST_KEY.test(key)) fail('constants', `has a key ${quoted(key)}; expected keys like "k0", "k1"`);
      this.tensors.set(key, readConstant(o[key], `constant '${key}'`));
    }
  }

  take(key: unknown, where: string): Tensor {
    const t = typeof key === 'string' ? this.tensors.get(key) : undefined;
    if (t === undefined) fail(where, `refers to constant ${show(key)}, which the file does not have`);
    this.used.add(key as string);
    return t;
  }

  checkAllUsed(): void {
    for (const key of this.tensors.keys()) if (!this.used.has(key)) fail(`constant '${key}'`, 'is not used by any node or seed');
  }
}

function readConstant(v: unknown, where: string): Tensor {
  const o = object(v, where, 'a constant object');
  fields(o, where, ['dtype', 'shape', 'encoding', 'values', 'data'], ['dtype', 'shape', 'encoding']);
  const dtype = readDType(get(o, 'dtype'), where);
  const shape = readShape(get(o, 'shape'), where, false) as number[];
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_DIM) fail(where, `has shape ${formatShape(shape)} (${size} elements); at most ${MAX_DIM} are allowed`);
  const encoding = get(o, 'encoding');
  let data: TypedArray;
  if (encoding === 'json') {
    fields(o, where, ['dtype', 'shape', 'encoding', 'values'], ['values']);
    data = decodeInlineValues(get(o, 'values'), dtype, size, where);
  } else if (encoding === 'arrow-ipc') {
    fields(o, where, ['dtype', 'shape', 'encoding', 'data'], ['data']);
    data = decodeIpc(get(o, 'data'), dtype, shape, where);
  } else {
    fail(where, `has encoding ${show(encoding)}; expected "json" or "arrow-ipc"`);
  }
  return new Tensor(dtype, shape, data);
}

const INT_RANGE: Partial<Record<DType, readonly [number, number]>> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint8: [0, 255] };

/**
 * Values written inline: a flat row-major array. Floats are JSON numbers, or "NaN", "Infinity", "-Infinity",
 * "-0" (strings are unambiguous here, as values are never strings); bools are true/false; ints are integers
 * in the dtype's range.
 */
export function decodeInlineValues(v: unknown, dtype: DType, size: number, where: string): TypedArray {
  if (!Array.isArray(v)) fail(where, `has values ${show(v)}; expected an array`);
  if (v.length !== size) fail(where, `has ${v.length} values; its shape needs ${size}`);
  const out = allocate(dtype, size);
  const range = INT_RANGE[dtype];
  for (let i = 0; i < size; i++) {
    const x: unknown = v[i];
    if (dtype === 'bool') {
      if (typeof x !== 'boolean') fail(where, `has values[${i}] ${show(x)}; a bool constant holds true or false`);
      out[i] = x ? 1 : 0;
    } else if (range !== undefined) {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < range[0] || x > range[1]) {
        fail(where, `has values[${i}] ${show(x)}; a ${dtype} constant holds integers in [${range[0]}, ${range[1]}]`);
      }
      out[i] = x;
    } else {
      const n = typeof x === 'string' ? SPECIAL_NUMBERS.get(x) : typeof x === 'number' ? x : undefined;
      if (n === undefined) fail(where, `has values[${i}] ${show(x)}; expected a number or "NaN", "Infinity", "-Infinity", "-0"`);
      if (dtype === 'float32' && Number.isFinite(n) && !Number.isFinite(Math.fround(n))) fail(where, `has values[${i}] ${show(x)}, which is outside the float32 range`);
      out[i] = n;
    }
  }
  return out;
}

/** Whether an Arrow column type stores `dtype` bit for bit (bool is stored as uint8 0/1, not bit-packed). */
function arrowTypeHolds(type: DataType, dtype: DType): boolean {
  if (dtype === 'float32' || dtype === 'float64') {
    return DataType.isFloat(type) && type.precision === (dtype === 'float32' ? Precision.SINGLE : Precision.DOUBLE);
  }
  if (!DataType.isInt(type)) return false;
  return dtype === 'int32' ? type.bitWidth === 32 && type.isSigned : type.bitWidth === 8 && !type.isSigned;
}

function decodeIpc(v: unknown, dtype: DType, shape: readonly number[], where: string): TypedArray {
  if (typeof v !== 'string' || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
    fail(where, 'has data that is not base64 text');
  }
  // A fresh copy at offset 0 keeps every typed-array view Arrow makes over it aligned.
  const bytes = new Uint8Array(Buffer.from(v, 'base64'));
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    fail(where, `holds Arrow IPC data that cannot be read (${clip(errorText(e), 120)}); the file may be corrupt`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const columns = table.schema.fields;
  if (columns.length !== 1) fail(where, `holds an Arrow table with ${columns.length} columns; expected 1`);
  if (!arrowTypeHolds(columns[0].type, dtype)) fail(where, `holds an Arrow column of type ${columns[0].type}, which does not store ${dtype}`);
  const meta = table.schema.metadata;
  if ((meta.has('weir:dtype') && meta.get('weir:dtype') !== dtype) || (meta.has('weir:shape') && meta.get('weir:shape') !== JSON.stringify(shape))) {
    fail(where, `holds Arrow metadata (${show(meta.get('weir:dtype'))}, ${show(meta.get('weir:shape'))}) that disagrees with its dtype and shape`);
  }
  if (table.numRows !== size) fail(where, `holds ${table.numRows} values; its shape ${formatShape(shape)} needs ${size}`);
  const column = table.getChildAt(0);
  if (column === null || column.nullCount > 0) fail(where, 'holds null values; a constant has none');
  const out = allocate(dtype, size);
  const outBytes = new Uint8Array(out.buffer);
  let offset = 0;
  for (const chunk of column.data) {
    const values = chunk.values as TypedArray;
    if (values.length < chunk.length) fail(where, 'holds an Arrow column shorter than its length says; the file may be corrupt');
    // A byte copy, so NaN payloads come back bit for bit.
    const src = new Uint8Array(values.buffer, values.byteOffset, chunk.length * values.BYTES_PER_ELEMENT);
    outBytes.set(src, offset);
    offset += src.length;
  }
  if (dtype === 'bool' && out.some((x) => x > 1)) fail(where, 'holds bool values other than 0 and 1');
  return out;
}
