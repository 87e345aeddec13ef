import { Bool, DataType, Field, FixedSizeList, Float, Float32, Float64, Int, Int32, Precision, Schema, Type, Uint8, Utf8 } from 'apache-arrow';
import type { DType } from '../core/dtype';
import { formatShape, Shape, shapesEqual, sizeOf } from '../core/shape';
import { isTensor, Tensor } from '../core/tensor';

/**
 * Weir schemas and their mapping onto Arrow schemas.
 *
 * A tensor column of rank >= 1 is `FixedSizeList<T>[prod(shape)]` with Arrow's canonical
 * `arrow.fixed_shape_tensor` extension metadata on the Field, so pyarrow and Polars see tensors. A rank-0
 * tensor column is a plain primitive column; Weir marks it with its own `weir:kind` metadata key (other
 * readers ignore unknown keys, and the canonical extension requires a FixedSizeList storage, so it cannot be
 * used there). Every field is nullable, as pyarrow makes them, so batches built from different record sets
 * still share one schema and can go into one IPC stream.
 */

export const EXTENSION_NAME_KEY = 'ARROW:extension:name';
export const EXTENSION_METADATA_KEY = 'ARROW:extension:metadata';
export const TENSOR_EXTENSION_NAME = 'arrow.fixed_shape_tensor';
/** Weir's own field metadata key: `tensor` on a primitive column means "rank-0 tensors", not numbers. */
export const WEIR_KIND_KEY = 'weir:kind';

export type FieldKind = 'number' | 'boolean' | 'string' | 'tensor';

/** The value of one field of a record. null and undefined are both written as an Arrow null. */
export type FieldValue = number | boolean | string | Tensor | null | undefined;
/** A record: a plain object of named fields. */
export type WeirRecord = Record<string, FieldValue>;

/**
 * One field of a Weir schema. `dtype` is the storage dtype of each element (null for strings); `shape` is
 * the per-record shape ([] for scalars and rank-0 tensors).
 */
export interface FieldSchema {
  readonly name: string;
  readonly kind: FieldKind;
  readonly dtype: DType | null;
  readonly shape: Shape;
  readonly arrowType: DataType;
}

export interface WeirSchema {
  readonly fields: readonly FieldSchema[];
}

// Dispatch table: Weir dtype -> the Arrow primitive type that stores it.
const ARROW_TYPE_OF: Record<DType, () => DataType> = {
  float32: () => new Float32(),
  float64: () => new Float64(),
  int32: () => new Int32(),
  uint8: () => new Uint8(),
  bool: () => new Bool(),
};

/** The Arrow primitive type that stores `dtype`. */
export function arrowTypeOf(dtype: DType): DataType {
  return ARROW_TYPE_OF[dtype]();
}

/**
 * The dtype an Arrow primitive type is read as, and whether its buffer can be viewed without a copy.
 * Integer and float types Weir has no dtype for widen to float64 (a copy); int64 loses precision above 2^53.
 */
export function dtypeOfArrowType(type: DataType): { dtype: DType; exact: boolean } | null {
  if (type.typeId === Type.Bool) return { dtype: 'bool', exact: false };
  if (type.typeId === Type.Float) {
    const p = (type as Float).precision;
    if (p === Precision.SINGLE) return { dtype: 'float32', exact: true };
    if (p === Precision.DOUBLE) return { dtype: 'float64', exact: true };
    return { dtype: 'float64', exact: false };
  }
  if (type.typeId === Type.Int) {
    const t = type as Int;
    if (t.isSigned && t.bitWidth === 32) return { dtype: 'int32', exact: true };
    if (!t.isSigned && t.bitWidth === 8) return { dtype: 'uint8', exact: true };
    return { dtype: 'float64', exact: false };
  }
  return null;
}

const STRING_TYPES: ReadonlySet<Type> = new Set([Type.Utf8, Type.LargeUtf8, Type.Utf8View]);

/**
 * A tensor field: FixedSizeList storage with the canonical extension metadata (or a primitive for rank 0).
 *
 * ```ts
 * const f = tensorField('image', 'float32', [28, 28]);
 * toArrowField(f).metadata.get('ARROW:extension:metadata'); // '{"shape":[28,28]}'
 * ```
 */
export function tensorField(name: string, dtype: DType, shape: Shape): FieldSchema {
  const frozen = Object.freeze([...shape]);
  const arrowType = frozen.length === 0
    ? arrowTypeOf(dtype)
    : new FixedSizeList(sizeOf(frozen), new Field('item', arrowTypeOf(dtype), true));
  return { name, kind: 'tensor', dtype, shape: frozen, arrowType };
}

/**
 * A scalar field: number -> Float64 (or the given numeric dtype), boolean -> Bool, string -> Utf8.
 *
 * ```ts
 * scalarField('score', 'number');            // Float64
 * scalarField('count', 'number', 'int32');   // Int32
 * ```
 */
export function scalarField(name: string, kind: 'number' | 'boolean' | 'string', dtype?: DType): FieldSchema {
  if (kind === 'string') return { name, kind, dtype: null, shape: Object.freeze([]), arrowType: new Utf8() };
  if (kind === 'boolean') return { name, kind, dtype: 'bool', shape: Object.freeze([]), arrowType: new Bool() };
  const dt = dtype ?? 'float64';
  return { name, kind, dtype: dt, shape: Object.freeze([]), arrowType: arrowTypeOf(dt) };
}

/**
 * The Arrow Field for a Weir field, carrying the tensor extension metadata.
 *
 * ```ts
 * toArrowField(tensorField('x', 'int32', [3])).type.toString(); // 'FixedSizeList[3]<Int32>'
 * ```
 */
export function toArrowField(field: FieldSchema): Field {
  const metadata = new Map<string, string>();
  if (field.kind === 'tensor') {
    if (field.shape.length > 0) {
      metadata.set(EXTENSION_NAME_KEY, TENSOR_EXTENSION_NAME);
      metadata.set(EXTENSION_METADATA_KEY, JSON.stringify({ shape: field.shape }));
    } else {
      metadata.set(WEIR_KIND_KEY, 'tensor');
    }
  }
  return new Field(field.name, field.arrowType, true, metadata);
}

/**
 * The Arrow Schema for a Weir schema.
 *
 * ```ts
 * const schema = toArrowSchema(inferSchema([{ x: tensor([1, 2, 3]), label: 'a' }]));
 * schema.fields.map((f) => String(f.type)); // ['FixedSizeList[3]<Float32>', 'Utf8']
 * ```
 */
export function toArrowSchema(schema: WeirSchema): Schema {
  return new Schema(schema.fields.map(toArrowField));
}

/**
 * How Weir reads an Arrow Field. A FixedSizeList without the extension metadata reads as 1-D tensors of the
 * list size. Throws, naming the field, for types Weir has no kind for.
 *
 * ```ts
 * fromArrowField(new Field('v', new FixedSizeList(4, new Field('item', new Float32())))).shape; // [4]
 * ```
 */
export function fromArrowField(field: Field): FieldSchema {
  const { name, type } = field;
  if (type.typeId === Type.FixedSizeList) {
    const list = type as FixedSizeList;
    const inner = dtypeOfArrowType(list.valueType);
    if (inner === null) throw unsupported(field);
    const shape = Object.freeze(tensorShapeOf(field, list.listSize));
    return { name, kind: 'tensor', dtype: inner.dtype, shape, arrowType: type };
  }
  if (STRING_TYPES.has(type.typeId)) return { name, kind: 'string', dtype: null, shape: Object.freeze([]), arrowType: type };
  if (type.typeId === Type.Dictionary && STRING_TYPES.has((type as DataType & { dictionary: DataType }).dictionary.typeId)) {
    return { name, kind: 'string', dtype: null, shape: Object.freeze([]), arrowType: type };
  }
  const prim = dtypeOfArrowType(type);
  if (prim === null) throw unsupported(field);
  const kind: FieldKind = field.metadata.get(WEIR_KIND_KEY) === 'tensor' ? 'tensor' : prim.dtype === 'bool' ? 'boolean' : 'number';
  return { name, kind, dtype: prim.dtype, shape: Object.freeze([]), arrowType: type };
}

/**
 * The Weir schema of an Arrow Schema.
 *
 * ```ts
 * fromArrowSchema(table.schema).fields.map((f) => f.kind); // ['tensor', 'number']
 * ```
 */
export function fromArrowSchema(schema: Schema): WeirSchema {
  return { fields: schema.fields.map(fromArrowField) };
}

function tensorShapeOf(field: Field, listSize: number): number[] {
  if (field.metadata.get(EXTENSION_NAME_KEY) !== TENSOR_EXTENSION_NAME) return [listSize];
  const raw = field.metadata.get(EXTENSION_METADATA_KEY) ?? '';
  let meta: unknown;
  try {
    meta = JSON.parse(raw);
  } catch {
    meta = undefined;
  }
  const shape = (meta as { shape?: unknown } | undefined)?.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`Field '${field.name}' has ${TENSOR_EXTENSION_NAME} metadata ${JSON.stringify(raw)}; expected {"shape":[...]} with non-negative integer dimensions`);
  }
  const permutation = (meta as { permutation?: unknown }).permutation;
  // A non-identity permutation means the buffer is not row-major in the logical shape; reading it as a view
  // would silently give transposed tensors.
  if (Array.isArray(permutation) && permutation.some((p, i) => p !== i)) {
    throw new Error(`Field '${field.name}' is a ${TENSOR_EXTENSION_NAME} with permutation ${JSON.stringify(permutation)}; Weir reads only row-major tensors (no permutation)`);
  }
  if (sizeOf(shape) !== listSize) {
    throw new Error(`Field '${field.name}' has tensor shape ${formatShape(shape)} (${sizeOf(shape)} elements) but its FixedSizeList size is ${listSize}`);
  }
  return shape;
}

function unsupported(field: Field): Error {
  return new Error(
    `Field '${field.name}' has Arrow type ${String(field.type)}, which Weir cannot read; expected a number, Bool, ` +
      `Utf8 or FixedSizeList of numbers/Bool column`,
  );
}

/** A short description of a value for error messages: 'a string', 'a tensor of dtype int32'. */
export function describeValue(v: unknown): string {
  if (isTensor(v)) return `a tensor of dtype ${v.dtype} and shape ${formatShape(v.shape)}`;
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  const t = typeof v;
  return t === 'object' || t === 'undefined' ? `an ${t}` : `a ${t}`;
}

/** The field a non-null value implies, or an error message naming what is wrong. */
function fieldOfValue(name: string, v: unknown): FieldSchema | string {
  if (typeof v === 'number') return scalarField(name, 'number');
  if (typeof v === 'boolean') return scalarField(name, 'boolean');
  if (typeof v === 'string') return scalarField(name, 'string');
  if (isTensor(v)) return tensorField(name, v.dtype, v.shape);
  return `is ${describeValue(v)}; expected a number, boolean, string or Tensor`;
}

const KIND_NOUN: Record<FieldKind, string> = { number: 'a number', boolean: 'a boolean', string: 'a string', tensor: 'a tensor' };

/**
 * Checks a value against a field; returns null when it fits or the reason it does not ("is a string;
 * expected a number"). `like` is appended to the expectation (" like record 0").
 */
export function mismatch(field: FieldSchema, v: unknown, like = ''): string | null {
  if (v === null || v === undefined) return null;
  const got = fieldOfValue(field.name, v);
  if (typeof got === 'string') return got;
  if (got.kind !== field.kind) {
    const rank0 = field.kind === 'tensor' && field.shape.length === 0 && got.kind === 'number';
    if (rank0) return null; // plain numbers are accepted wherever a tensor is
    return `is ${KIND_NOUN[got.kind]}; expected ${KIND_NOUN[field.kind]}${like}`;
  }
  if (got.kind !== 'tensor') return null;
  if (got.dtype !== field.dtype) return `is a tensor of dtype ${got.dtype}; expected ${field.dtype}${like}`;
  if (!shapesEqual(got.shape, field.shape)) return `is a tensor of shape ${formatShape(got.shape)}; expected ${formatShape(field.shape)}${like}`;
  return null;
}

// The allocation-free check for the common case; `mismatch` builds the message when this says no.
function fits(field: FieldSchema, v: unknown): boolean {
  switch (typeof v) {
    case 'number': return field.kind === 'number';
    case 'string': return field.kind === 'string';
    case 'boolean': return field.kind === 'boolean';
    default: return isTensor(v) && field.kind === 'tensor' && v.dtype === field.dtype && shapesEqual(v.shape, field.shape);
  }
}

/**
 * The schema of a list of records: fields in order of first appearance, each typed by its first non-null
 * value. A field whose kind, tensor dtype or tensor shape changes between records is an error naming the
 * field and both records. A field that is null in every record is a Float64 column of nulls.
 *
 * ```ts
 * inferSchema([{ x: tensor([1, 2]), y: 1 }, { x: tensor([3, 4]), y: null }]);
 * // { fields: [{ name: 'x', kind: 'tensor', dtype: 'float32', shape: [2], ... }, { name: 'y', kind: 'number', ... }] }
 * ```
 */
export function inferSchema(records: Iterable<WeirRecord>): WeirSchema {
  const fields = new Map<string, { field: FieldSchema | null; from: number }>();
  let index = 0;
  for (const record of records) {
    if (record === null || typeof record !== 'object' || Array.isArray(record) || isTensor(record)) {
      throw new TypeError(`Record ${index} is ${describeValue(record)}; expected a plain object of fields`);
    }
    for (const name of Object.keys(record)) {
      const v = record[name];
      let seen = fields.get(name);
      if (seen === undefined) {
        seen = { field: null, from: index };
        fields.set(name, seen);
      }
      if (v === null || v === undefined) continue;
      if (seen.field === null) {
        const got = fieldOfValue(name, v);
        if (typeof got === 'string') throw new TypeError(`Field '${name}' of record ${index} ${got}`);
        seen.field = got;
        seen.from = index;
        continue;
      }
      if (fits(seen.field, v)) continue;
      const why = mismatch(seen.field, v, ` like record ${seen.from}`);
      if (why !== null) throw new TypeError(`Field '${name}' of record ${index} ${why}`);
    }
    index++;
  }
  return { fields: [...fields].map(([name, { field }]) => field ?? scalarField(name, 'number')) };
}
