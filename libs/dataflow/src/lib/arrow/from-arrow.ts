import { RecordBatch, Table } from 'apache-arrow';
import { Tensor } from '../core/tensor';
import { batchColumns, Column } from './columns';
import type { FieldValue, WeirRecord } from './schema';

/** What `fromArrow` and `arrowRows` read: a Table, one RecordBatch, or batches in order. */
export type ArrowSource = Table | RecordBatch | Iterable<RecordBatch>;

/**
 * The records of a Table or RecordBatches, lazily, one batch's columns at a time. Tensor fields are
 * zero-copy views over the Arrow child buffer (`t.data.buffer` is Arrow's buffer), except bool tensors:
 * Arrow bit-packs booleans, so each batch's bool column is unpacked once into a new byte array and the
 * tensors view that. Arrow nulls read as null. Tensors share the Arrow memory, and like all tensors they
 * must not be written to.
 *
 * ```ts
 * for (const r of arrowRows(table)) console.log(r.x.shape, r.label);
 * ```
 */
export function* arrowRows(source: ArrowSource): Generator<WeirRecord, void, undefined> {
  for (const batch of batchesOf(source)) {
    const columns = batchColumns(batch);
    const readers = columns.map(readerFor);
    const names = columns.map((c) => c.name);
    const rows = batch.numRows;
    for (let i = 0; i < rows; i++) {
      const record: WeirRecord = {};
      for (let c = 0; c < readers.length; c++) record[names[c]] = readers[c](i);
      yield record;
    }
  }
}

/**
 * All records of a Table, a RecordBatch or RecordBatches, as an array (see `arrowRows`).
 *
 * ```ts
 * fromArrow(toArrow([{ x: tensor([1, 2]), n: 3 }])); // [{ x: Tensor(float32, [2], [1,2]), n: 3 }]
 * ```
 */
export function fromArrow(source: ArrowSource): WeirRecord[] {
  return Array.from(arrowRows(source));
}

function batchesOf(source: ArrowSource): Iterable<RecordBatch> {
  // The static checks work across copies of apache-arrow, unlike instanceof.
  if (Table.isTable(source)) return source.batches;
  if (RecordBatch.isRecordBatch(source)) return [source];
  return source;
}

type Reader = (row: number) => FieldValue;

// Each reader is made once per batch so the per-row work is a branch on validity and one typed-array read.
function readerFor(column: Column): Reader {
  const valid = column.validity ?? null;
  const read = valueReader(column);
  return valid === null ? read : (i) => (valid[i] === 0 ? null : read(i));
}

function valueReader(column: Column): Reader {
  if (column.kind === 'string') {
    const strings = column.strings;
    return (i) => strings[i];
  }
  const values = column.values;
  if (column.kind === 'number') return (i) => values[i];
  if (column.kind === 'boolean') return (i) => values[i] !== 0;
  // One frozen shape array shared by all tensors of the column (Tensor freezes its shape anyway).
  const shape = Object.freeze([...column.shape]);
  const k = shape.reduce((a, b) => a * b, 1);
  const dtype = column.dtype;
  return (i) => new Tensor(dtype, shape, values.subarray(i * k, i * k + k));
}
