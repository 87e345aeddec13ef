import { BufferType, Data, DataType, Field, FixedSizeList, Float, makeData, makeVector, Precision, RecordBatch, Schema, Struct, Type, Utf8, util } from 'apache-arrow';
import { DType, typedArrayFor, TypedArray } from '../core/dtype';
import { formatShape, Shape, sizeOf } from '../core/shape';
import { Tensor } from '../core/tensor';
import { dtypeOfArrowType, FieldKind, FieldSchema, fromArrowField, scalarField, tensorField, toArrowField } from './schema';

/**
 * Columnar access to record batches, for the batch executor.
 *
 * Arrow JS keeps fixed-width `values` already offset by slicing (only bitmaps are read at `offset + i`), so a
 * column's values are `values.subarray(0, rows * k)` of the Arrow buffer: a view, never a copy, for float32,
 * float64, int32 and uint8. Bool is bit-packed in Arrow and unpacked here into one byte per element (a copy);
 * other numeric types widen to float64 (a copy).
 */

interface ColumnBase {
  readonly name: string;
  /** Per-record shape: [] for scalars and rank-0 tensors. */
  readonly shape: Shape;
  /** Number of rows. */
  readonly length: number;
  /** One byte per row, 1 = valid, 0 = null; null (or absent) when no row is null. */
  readonly validity?: Uint8Array | null;
}

/** A number, boolean or tensor column: `values` holds `length * prod(shape)` elements, row-major. */
export interface ValueColumn extends ColumnBase {
  readonly kind: 'number' | 'boolean' | 'tensor';
  readonly dtype: DType;
  readonly values: TypedArray;
  readonly strings?: undefined;
}

/** A string column. */
export interface StringColumn extends ColumnBase {
  readonly kind: 'string';
  readonly dtype: null;
  readonly values: null;
  readonly strings: readonly (string | null)[];
}

export type Column = ValueColumn | StringColumn;

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * The columns of a record batch. Values of float32/float64/int32/uint8 columns and tensor columns are views
 * over the Arrow buffers (zero-copy); the batch's and the children's offsets are respected.
 *
 * ```ts
 * const [x] = batchColumns(toRecordBatch([{ x: tensor([1, 2]) }, { x: tensor([3, 4]) }]));
 * x.shape;  // [2]
 * x.values; // Float32Array [1, 2, 3, 4], a view over the Arrow child buffer
 * ```
 */
export function batchColumns(batch: RecordBatch): Column[] {
  const fields = batch.schema.fields;
  const out = new Array<Column>(fields.length);
  for (let i = 0; i < fields.length; i++) out[i] = readColumn(fields[i], batch.data.children[i]);
  return out;
}

/** One column of a batch, read as `batchColumns` reads it. */
export function readColumn(field: Field, data: Data): Column {
  const schema = fromArrowField(field);
  const rows = data.length;
  const validity = readValidity(data);
  if (schema.kind === 'string') {
    return { name: field.name, kind: 'string', dtype: null, values: null, shape: schema.shape, length: rows, validity, strings: readStrings(data) };
  }
  const n = rows * sizeOf(schema.shape);
  const storage = data.typeId === Type.FixedSizeList ? data.children[0] : data;
  // A short buffer would make subarray() clamp silently and hand out tensors of the wrong size.
  if (storage.length < n) {
    throw new Error(`Field '${field.name}' has ${storage.length} values for ${rows} rows of shape ${formatShape(schema.shape)}; expected ${n}`);
  }
  const values = readPrimitive(storage, n);
  return { name: field.name, kind: schema.kind, dtype: values.dtype, values: values.values, shape: schema.shape, length: rows, validity };
}

function readValidity(data: Data): Uint8Array | null {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return null;
  return unpackBits(data.nullBitmap, data.offset, data.length);
}

function unpackBits(bits: Uint8Array, bitOffset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const b = bitOffset + i;
    out[i] = (bits[b >> 3] >> (b & 7)) & 1;
  }
  return out;
}

function packBits(bytes: Uint8Array, n: number): Uint8Array {
  // Arrow wants bitmaps padded to 8 bytes; the IPC writer pads anyway, this keeps in-memory use safe too.
  const out = new Uint8Array(((n + 63) & ~63) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i] !== 0) out[i >> 3] |= 1 << (i & 7);
  return out;
}

// Dispatch table keyed by the Arrow storage of an element, for types that need a conversion.
type Widen = (data: Data, n: number) => TypedArray;
type WidenKey = 'bool' | 'float16' | 'int64' | 'other';
const WIDEN: Record<WidenKey, Widen> = {
  bool: (data, n) => unpackBits(data.values as Uint8Array, data.offset, n),
  float16: (data, n) => {
    const src = data.values as Uint16Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = util.uint16ToFloat64(src[i]);
    return out;
  },
  int64: (data, n) => {
    const src = data.values as BigInt64Array | BigUint64Array;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(src[i]);
    return out;
  },
  other: (data, n) => Float64Array.from((data.values as ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }).subarray(0, n)),
};

function widenKey(type: DataType): WidenKey {
  if (type.typeId === Type.Bool) return 'bool';
  if (type.typeId === Type.Float && (type as Float).precision === Precision.HALF) return 'float16';
  if (type.typeId === Type.Int && (type as DataType & { bitWidth: number }).bitWidth === 64) return 'int64';
  return 'other';
}

function readPrimitive(data: Data, n: number): { dtype: DType; values: TypedArray } {
  const info = dtypeOfArrowType(data.type);
  if (info === null) throw new Error(`Arrow type ${String(data.type)} has no Weir dtype`);
  if (info.exact) return { dtype: info.dtype, values: (data.values as TypedArray).subarray(0, n) };
  return { dtype: info.dtype, values: WIDEN[widenKey(data.type)](data, n) };
}

function readStrings(data: Data): (string | null)[] {
  const n = data.length;
  const out = new Array<string | null>(n);
  const valid = (i: number): boolean => data.getValid(i);
  if (data.typeId === Type.Utf8) {
    // Decoding straight from the offsets avoids Arrow's per-get visitor dispatch.
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const nulls = data.nullCount > 0;
    for (let i = 0; i < n; i++) out[i] = nulls && !valid(i) ? null : decodeUtf8(bytes, offsets[i], offsets[i + 1]);
    return out;
  }
  const vector = makeVector(data);
  for (let i = 0; i < n; i++) {
    const v: unknown = vector.get(i);
    out[i] = v === null || v === undefined ? null : String(v);
  }
  return out;
}

// TextDecoder costs ~100 ns a call however short the string; short ASCII strings (ids, labels, categories:
// the common case in record streams) are built directly from their bytes, which is several times faster.
function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 24) return utf8.decode(bytes.subarray(start, end));
  let s = '';
  for (let i = start; i < end; i++) {
    const b = bytes[i];
    if (b > 0x7f) return utf8.decode(bytes.subarray(start, end));
    s += String.fromCharCode(b);
  }
  return s;
}

/**
 * A record batch built from columns. Tensor columns become FixedSizeList columns with the
 * `arrow.fixed_shape_tensor` metadata; float32/float64/int32/uint8 values are used as the Arrow buffer
 * itself (zero-copy), bool values are bit-packed (a copy).
 *
 * ```ts
 * const batch = columnsToBatch([
 *   { name: 'x', kind: 'tensor', dtype: 'float32', shape: [2], length: 2, values: new Float32Array([1, 2, 3, 4]) },
 *   { name: 'id', kind: 'number', dtype: 'float64', shape: [], length: 2, values: new Float64Array([7, 8]) },
 * ]);
 * batch.numRows; // 2
 * ```
 */
export function columnsToBatch(columns: readonly Column[]): RecordBatch {
  const fields: Field[] = [];
  const children: Data[] = [];
  let rows = -1;
  for (const column of columns) {
    if (rows === -1) rows = column.length;
    else if (column.length !== rows) {
      throw new Error(`Column '${column.name}' passed to 'columnsToBatch' has ${column.length} rows; expected ${rows} like column '${columns[0].name}'`);
    }
    const field = toArrowField(fieldOfColumn(column));
    fields.push(field);
    children.push(writeColumn(column, field.type));
  }
  const length = Math.max(rows, 0);
  const schema = new Schema(fields);
  return new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
}

function fieldOfColumn(column: Column): FieldSchema {
  if (column.kind === 'string') return scalarField(column.name, 'string');
  if (column.kind === 'tensor') return tensorField(column.name, column.dtype, column.shape);
  if (column.shape.length !== 0) {
    throw new Error(`Column '${column.name}' passed to 'columnsToBatch' is a ${column.kind} column with shape ${formatShape(column.shape)}; expected []`);
  }
  return scalarField(column.name, column.kind, column.dtype);
}

function writeColumn(column: Column, type: DataType): Data {
  const { name, length } = column;
  const nullBitmap = column.validity ? packBits(column.validity, length) : undefined;
  if (column.validity && column.validity.length < length) {
    throw new Error(`Column '${name}' passed to 'columnsToBatch' has validity of length ${column.validity.length}; expected ${length}`);
  }
  const nullCount = column.validity ? countZeros(column.validity, length) : 0;
  if (column.kind === 'string') return writeStrings(column, nullBitmap, nullCount);
  const k = sizeOf(column.shape);
  const expected = length * k;
  if (column.values.length !== expected) {
    throw new Error(
      `Column '${name}' passed to 'columnsToBatch' has ${column.values.length} values; expected ${expected} ` +
        `(${length} rows of shape ${formatShape(column.shape)})`,
    );
  }
  const ctor = typedArrayFor(column.dtype);
  if (!(column.values instanceof ctor)) {
    throw new Error(`Column '${name}' passed to 'columnsToBatch' has dtype ${column.dtype} but its values are a ${column.values.constructor.name}; expected ${ctor.name}`);
  }
  if (type.typeId === Type.FixedSizeList) {
    const child = primitiveData((type as FixedSizeList).valueType, column.dtype, column.values, expected);
    return makeData({ type: type as FixedSizeList, length, nullCount, nullBitmap, child });
  }
  return primitiveData(type, column.dtype, column.values, length, nullBitmap, nullCount);
}

function primitiveData(type: DataType, dtype: DType, values: TypedArray, n: number, nullBitmap?: Uint8Array, nullCount = 0): Data {
  // Bool is the one storage Arrow bit-packs; every other dtype's typed array is the Arrow buffer as is.
  const buffer = dtype === 'bool' ? packBits(values as Uint8Array, n) : values;
  return new Data(type, 0, n, nullCount, { [BufferType.DATA]: buffer, [BufferType.VALIDITY]: nullBitmap });
}

function writeStrings(column: StringColumn, nullBitmap: Uint8Array | undefined, nullCount: number): Data {
  const { strings, length } = column;
  if (strings.length !== length) {
    throw new Error(`Column '${column.name}' passed to 'columnsToBatch' has ${strings.length} strings; expected ${length}`);
  }
  const valueOffsets = new Int32Array(length + 1);
  // Sized for ASCII (one byte per UTF-16 unit) and grown on demand: one encodeInto per string, no per-string
  // allocation; the Arrow data buffer is a view of the part used.
  let chars = 0;
  for (let i = 0; i < length; i++) chars += strings[i]?.length ?? 0;
  let bytes = new Uint8Array(chars + 16);
  let total = 0;
  for (let i = 0; i < length; i++) {
    const s = strings[i];
    if (s !== null && s !== undefined && s.length > 0) {
      for (;;) {
        const { read, written } = utf8Encoder.encodeInto(s, bytes.subarray(total));
        if (read === s.length) {
          total += written;
          break;
        }
        const grown = new Uint8Array(Math.max(bytes.length * 2, total + s.length * 3));
        grown.set(bytes.subarray(0, total));
        bytes = grown;
      }
    }
    valueOffsets[i + 1] = total;
  }
  return makeData({ type: new Utf8(), length, nullCount, nullBitmap, valueOffsets, data: bytes.subarray(0, total) });
}

function countZeros(validity: Uint8Array, n: number): number {
  let zeros = 0;
  for (let i = 0; i < n; i++) if (validity[i] === 0) zeros++;
  return zeros;
}

/**
 * A column as one batched tensor of shape [rows, ...shape], sharing the column's buffer (zero-copy). Rows
 * that are null hold whatever the buffer has there (zeros when Weir wrote the batch).
 *
 * ```ts
 * const [x] = batchColumns(batch);     // x.shape = [2, 3]
 * tensorFromColumn(x).shape;           // [batch.numRows, 2, 3]
 * ```
 */
export function tensorFromColumn(column: Column): Tensor {
  if (column.kind === 'string') {
    throw new TypeError(`Argument 'column' passed to 'tensorFromColumn' is the string column '${column.name}'; expected a number, boolean or tensor column`);
  }
  return new Tensor(column.dtype, [column.length, ...column.shape], column.values);
}

/**
 * The inverse of `tensorFromColumn`: a batched tensor [rows, ...shape] as a tensor column (zero-copy).
 *
 * ```ts
 * columnsToBatch([columnFromTensor('x', ops.zeros([4, 3]))]).numRows; // 4
 * ```
 */
export function columnFromTensor(name: string, batched: Tensor, validity?: Uint8Array | null, kind: FieldKind = 'tensor'): ValueColumn {
  if (batched.rank === 0) {
    throw new Error(`Argument 'batched' passed to 'columnFromTensor' is a rank-0 tensor; expected shape [rows, ...]`);
  }
  if (kind === 'string') throw new Error(`Argument 'kind' passed to 'columnFromTensor' is 'string'; expected 'number', 'boolean' or 'tensor'`);
  const [length, ...shape] = batched.shape;
  return { name, kind, dtype: batched.dtype, shape, length, values: batched.data, validity: validity ?? null };
}
