import { RecordBatch, Table } from 'apache-arrow';
import { allocate } from '../core/dtype';
import { shapesEqual, sizeOf } from '../core/shape';
import { isTensor } from '../core/tensor';
import { Column, columnsToBatch } from './columns';
import { describeValue, FieldSchema, inferSchema, mismatch, toArrowSchema, WeirRecord, WeirSchema } from './schema';

export interface ToArrowOptions {
  /** Rows per record batch; default: all rows in one batch. */
  readonly batchSize?: number;
}

/**
 * Records as an Arrow Table, built column by column into typed arrays (no per-element Arrow Builder).
 * Without a schema it is inferred (`inferSchema`); with one, record fields it does not name are left out and
 * a value that does not fit is an error naming the field and the record.
 *
 * ```ts
 * const table = toArrow([{ x: tensor([1, 2, 3]), label: 'a' }, { x: tensor([4, 5, 6]), label: null }]);
 * table.schema.fields[0].metadata.get('ARROW:extension:name'); // 'arrow.fixed_shape_tensor'
 * ```
 */
export function toArrow(records: readonly WeirRecord[], schema?: WeirSchema, options: ToArrowOptions = {}): Table {
  const s = schema ?? inferSchema(records);
  const size = options.batchSize ?? records.length;
  if (!Number.isInteger(size) || size < 1) {
    if (records.length === 0) return new Table(toArrowSchema(s));
    throw new Error(`Option 'batchSize' passed to 'toArrow' is ${options.batchSize}; expected a positive integer`);
  }
  const batches: RecordBatch[] = [];
  for (let start = 0; start < records.length; start += size) batches.push(buildBatch(records, start, Math.min(start + size, records.length), s));
  return batches.length === 0 ? new Table(toArrowSchema(s)) : new Table(batches);
}

/**
 * Records as one Arrow RecordBatch (see `toArrow`).
 *
 * ```ts
 * toRecordBatch([{ n: 1 }, { n: 2 }]).numRows; // 2
 * ```
 */
export function toRecordBatch(records: readonly WeirRecord[], schema?: WeirSchema): RecordBatch {
  return buildBatch(records, 0, records.length, schema ?? inferSchema(records));
}

function buildBatch(records: readonly WeirRecord[], start: number, end: number, schema: WeirSchema): RecordBatch {
  return columnsToBatch(schema.fields.map((f) => buildColumn(records, start, end, f)));
}

function buildColumn(records: readonly WeirRecord[], start: number, end: number, field: FieldSchema): Column {
  const { name } = field;
  const rows = end - start;
  let validity: Uint8Array | null = null;
  const markNull = (row: number): void => {
    if (validity === null) validity = new Uint8Array(rows).fill(1);
    validity[row] = 0;
  };
  const check = (r: number, v: unknown): void => {
    const why = mismatch(field, v);
    if (why !== null) throw new TypeError(`Field '${name}' of record ${r} ${why}`);
  };
  if (field.kind === 'string') {
    const strings = new Array<string | null>(rows);
    for (let i = 0; i < rows; i++) {
      const v = records[start + i][name];
      if (typeof v === 'string') strings[i] = v;
      else if (v === null || v === undefined) {
        strings[i] = null;
        markNull(i);
      } else check(start + i, v);
    }
    return { name, kind: 'string', dtype: null, values: null, shape: [], length: rows, strings, validity };
  }
  const dtype = field.dtype ?? 'float64';
  const k = sizeOf(field.shape);
  const values = allocate(dtype, rows * k);
  const scalar = field.shape.length === 0;
  for (let i = 0; i < rows; i++) {
    const v = records[start + i][name];
    if (v === null || v === undefined) {
      markNull(i);
      continue;
    }
    // The common cases cost a typeof and a store; anything else goes through the full check, which throws.
    if (typeof v === 'number' && scalar && field.kind !== 'boolean') values[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
    else if (typeof v === 'boolean' && field.kind === 'boolean') values[i] = v ? 1 : 0;
    else if (isTensor(v) && field.kind === 'tensor' && v.dtype === dtype && shapesEqual(v.shape, field.shape)) values.set(v.data, i * k);
    else {
      check(start + i, v);
      throw new TypeError(`Field '${name}' of record ${start + i} is ${describeValue(v)}; expected a ${field.kind}`);
    }
  }
  return { name, kind: field.kind, dtype, values, shape: field.shape, length: rows, validity };
}
