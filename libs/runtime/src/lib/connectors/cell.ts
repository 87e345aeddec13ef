import { allocate, formatShape, sizeOf, Tensor, type DType, type TypedArray } from '@weir/dataflow';
import type { FieldType, SchemaField } from './record-schema';

/** A value that does not fit its field; the reader turns it into a bad row naming the line and column. */
export class CellError extends Error {
  override readonly name = 'CellError';
}

/** A record field's value as connectors produce it. */
export type FieldValue = number | boolean | string | Tensor;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Reads one CSV cell as its field says. Number text is strict: `+text` alone would take `''` and `' '` as 0.
 *
 * ```ts
 * parseCell('2.5', { name: 'v', type: 'number' }); // 2.5
 * ```
 */
export function parseCell(text: string, field: SchemaField): FieldValue {
  return CELL_READERS[field.type](text, field);
}

const CELL_READERS: Readonly<Record<FieldType, (text: string, field: SchemaField) => FieldValue>> = {
  string: (text) => text,
  number: (text, field) => parseNumber(text, field.dtype),
  boolean: (text) => parseBoolean(text),
  tensor: (text, field) => parseTensorText(text, field),
};

export function parseNumber(text: string, dtype: DType | undefined): number {
  const t = text.trim();
  if (t === '') throw new CellError('empty value where a number is expected');
  let n = +t;
  if (Number.isNaN(n) && t !== 'NaN') throw new CellError(`text where a number is expected: ${quote(text)}`);
  if (isRadixLiteral(t)) throw new CellError(`text where a number is expected: ${quote(text)}`);
  if (dtype === 'int32') n = checkInt32(n, text);
  return n;
}

/** `+` also reads hex, octal and binary literals (`0x1f`); a data file means decimal. A regex per cell costs. */
function isRadixLiteral(t: string): boolean {
  const sign = t.charCodeAt(0) === 43 || t.charCodeAt(0) === 45 ? 1 : 0;
  if (t.charCodeAt(sign) !== 48 || t.length <= sign + 1) return false;
  const c = t.charCodeAt(sign + 1) | 32;
  return c === 120 || c === 111 || c === 98;
}

function checkInt32(n: number, text: string): number {
  if (!Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) {
    throw new CellError(`expected an int32, found ${quote(text)}`);
  }
  return n;
}

const TRUE = new Set(['true', 'True', 'TRUE', '1']);
const FALSE = new Set(['false', 'False', 'FALSE', '0']);

export function parseBoolean(text: string): boolean {
  const t = text.trim();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw new CellError(`expected true or false, found ${quote(text)}`);
}

function parseTensorText(text: string, field: SchemaField): Tensor {
  const flat = field.shape?.length === 1 ? parseFlatVector(text, field.shape, field.dtype ?? 'float32') : undefined;
  if (flat !== undefined) return flat;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CellError(`expected a tensor as a JSON array, found ${quote(text)}`);
  }
  return toTensor(json, field);
}

/**
 * The common case, a 1-D float tensor written as `[1.5,2,-3]`, read without JSON.parse and its per-element
 * garbage (this is the hot path of a large CSV with a tensor column). Anything unusual (nesting, a bad
 * element, the wrong length) returns undefined, and the general path produces the exact error.
 */
function parseFlatVector(text: string, shape: readonly number[], dtype: DType): Tensor | undefined {
  if (dtype !== 'float32' && dtype !== 'float64') return undefined;
  const t = text.trim();
  if (t.charCodeAt(0) !== 91 || t.charCodeAt(t.length - 1) !== 93 || t.indexOf('[', 1) !== -1) return undefined;
  const k = shape[0];
  const data = allocate(dtype, k);
  let start = 1;
  for (let i = 0; i < k; i++) {
    const comma = i === k - 1 ? t.length - 1 : t.indexOf(',', start);
    if (comma === -1) return undefined;
    const part = t.slice(start, comma);
    const v = +part;
    // +'' and +' ' are 0; 'NaN' is not valid JSON either: leave all of these to the general path.
    if (Number.isNaN(v) || part.trim() === '' || isRadixLiteral(part.trim())) return undefined;
    data[i] = v;
    start = comma + 1;
  }
  if (k > 0 ? start !== t.length : t.slice(1, -1).trim() !== '') return undefined;
  return new Tensor(dtype, shape, data);
}

/**
 * Reads a JSON value (a nested array of numbers or booleans) as the field's tensor, checking its shape.
 * Ragged arrays and arrays of the wrong shape are errors that say which.
 */
export function toTensor(json: unknown, field: SchemaField): Tensor {
  if (!Array.isArray(json)) throw new CellError(`expected a tensor as a JSON array, found ${describeJson(json)}`);
  const shape = shapeOfNested(json);
  const expected = field.shape;
  if (expected !== undefined && !sameShape(shape, expected)) {
    const n = sizeOf(shape);
    throw new CellError(
      expected.length === 1 && shape.length === 1
        ? `tensor has ${n} elements; expected ${expected[0]} (shape ${formatShape(expected)})`
        : `tensor has shape ${formatShape(shape)}; expected ${formatShape(expected)}`,
    );
  }
  const dtype = field.dtype ?? 'float32';
  const data = allocate(dtype, sizeOf(shape));
  fill(json, data, dtype);
  return new Tensor(dtype, shape, data);
}

/** The shape of a nested array, checking that it is not ragged and holds only numbers or booleans. */
export function shapeOfNested(json: unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = json;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  checkNested(json, shape, 0, []);
  return shape;
}

function checkNested(v: unknown, shape: readonly number[], dim: number, path: number[]): void {
  if (dim === shape.length) {
    if (typeof v !== 'number' && typeof v !== 'boolean') {
      const where = path.length ? ` at [${path.join('][')}]` : '';
      throw new CellError(
        Array.isArray(v) ? `ragged tensor: element${where} is an array; expected a number` : `tensor element${where} is ${describeJson(v)}; expected a number`,
      );
    }
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[dim]) {
    const where = path.length ? `[${path.join('][')}]` : 'the outer array';
    const found = Array.isArray(v) ? `has length ${v.length}` : `is ${describeJson(v)}`;
    throw new CellError(`ragged tensor: ${where} ${found}; expected length ${shape[dim]}`);
  }
  for (let i = 0; i < v.length; i++) checkNested(v[i], shape, dim + 1, [...path, i]);
}

function fill(json: unknown[], data: TypedArray, dtype: DType): void {
  const bool = dtype === 'bool';
  const integral = dtype === 'int32' || dtype === 'uint8';
  let offset = 0;
  const walk = (v: unknown, path: number[]): void => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...path, i]);
      return;
    }
    if (typeof v === 'boolean') data[offset++] = v ? 1 : 0;
    else if (bool) data[offset++] = (v as number) !== 0 ? 1 : 0;
    else {
      // A typed array would truncate or wrap silently; a value that does not fit is a bad row instead.
      if (integral && !fitsInteger(v as number, dtype)) {
        throw new CellError(`tensor element at [${path.join('][')}] is ${v}; expected an integer for dtype ${dtype}`);
      }
      data[offset++] = v as number;
    }
  };
  // The common case (1-D) avoids the path bookkeeping.
  if (!integral && !bool && json.every((x) => typeof x === 'number')) {
    for (let i = 0; i < json.length; i++) data[i] = json[i] as number;
    return;
  }
  walk(json, []);
}

function fitsInteger(v: number, dtype: DType): boolean {
  return Number.isInteger(v) && (dtype === 'uint8' ? v >= 0 && v <= 255 : v >= INT32_MIN && v <= INT32_MAX);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Checks a JSON value (an NDJSON field) against its field; JSON types must match exactly: `"3"` is not a
 * number, so a stringly-typed file is caught rather than guessed at.
 */
export function fromJsonValue(value: unknown, field: SchemaField): FieldValue {
  return JSON_READERS[field.type](value, field);
}

const JSON_READERS: Readonly<Record<FieldType, (value: unknown, field: SchemaField) => FieldValue>> = {
  string: (value) => {
    if (typeof value !== 'string') throw new CellError(`expected a string, found ${describeJson(value)}`);
    return value;
  },
  number: (value, field) => {
    if (typeof value !== 'number') throw new CellError(`expected a number, found ${describeJson(value)}`);
    return field.dtype === 'int32' ? checkInt32(value, String(value)) : value;
  },
  boolean: (value) => {
    if (typeof value !== 'boolean') throw new CellError(`expected true or false, found ${describeJson(value)}`);
    return value;
  },
  tensor: (value, field) => toTensor(value, field),
};

export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? text.slice(0, 57) + '...' : text);
}
