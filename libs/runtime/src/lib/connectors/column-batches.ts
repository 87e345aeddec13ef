import type { RecordBatch } from 'apache-arrow';
import { batchColumns, columnsToBatch, Tensor, type ArrowColumn } from '@weir/dataflow';
import { BARE, batchToRows, rangeBatch, rowsToBatch, type Column, type ColumnBatch } from '../exec/batch';
import type { ProjectionRequest } from '../exec/source';
import type { Source } from './endpoints';
import type { RecordSink } from './sink';

/**
 * The bridge between the connectors and the graph executor, whose currency is the ColumnBatch (exec/batch.ts):
 * Arrow batches from Arrow/Parquet files become ColumnBatches column by column (number, boolean and tensor
 * columns share the Arrow buffers), and ColumnBatches go back out to Arrow/Parquet the same way. Text formats'
 * record chunks go through `rowsToBatch` / `batchToRows`, which they need anyway.
 */

/**
 * A source's input as ColumnBatches, each row tagged with its 0-based index in the input (its source element
 * index, which graph-mode errors name). `project` is a plan's projection request: the reader asks it once
 * it knows the file's schema, and the fields the plan drops never become columns.
 *
 * ```ts
 * for await (const out of plan.runSourceBatches((project) => columnBatchesOf(source, project))) await writeColumnBatch(sink, out);
 * ```
 */
export async function* columnBatchesOf(source: Source, project?: ProjectionRequest): AsyncGenerator<ColumnBatch> {
  let next = 0;
  if (source.currency === 'batches') {
    for await (const rb of source.batches(project)) {
      const cb = arrowToColumnBatch(rb, next);
      next += cb.length;
      yield cb;
    }
    return;
  }
  for await (const chunk of source.records(project)) {
    yield rowsToBatch(chunk, next);
    next += chunk.length;
  }
}

/** An Arrow batch as a ColumnBatch; columns with nulls become per-row value columns (the executor's rule). */
export function arrowToColumnBatch(rb: RecordBatch, first: number): ColumnBatch {
  const n = rb.numRows;
  const columns = new Map<string, Column>();
  for (const c of batchColumns(rb)) columns.set(c.name, toExecColumn(c, n));
  return rangeBatch(n, false, columns, first);
}

function toExecColumn(c: ArrowColumn, n: number): Column {
  const hasNulls = c.validity != null && c.validity.subarray(0, n).includes(0);
  if (c.kind === 'string') return { kind: 'values', values: c.strings };
  if (hasNulls) {
    const t = new Tensor(c.dtype, [n, ...c.shape], c.values);
    const values = Array.from({ length: n }, (_, i) => (c.validity?.[i] === 0 ? null : rowOf(t, i, c.kind)));
    return { kind: 'values', values };
  }
  return { kind: c.kind, tensor: new Tensor(c.dtype, [n, ...c.shape], c.values) } as Column;
}

function rowOf(t: Tensor, i: number, kind: ArrowColumn['kind']): unknown {
  if (kind === 'number') return t.data[i];
  if (kind === 'boolean') return t.data[i] !== 0;
  const shape = t.shape.slice(1);
  const k = shape.reduce((a, b) => a * b, 1);
  return new Tensor(t.dtype, shape, t.data.subarray(i * k, (i + 1) * k));
}

/**
 * A ColumnBatch as an Arrow batch, or null when a column holds something other than strings in its per-row
 * values (nulls, mixed types): such a batch goes out as records instead. A bare batch's column is `value`.
 */
export function columnBatchToArrow(cb: ColumnBatch): RecordBatch | null {
  const columns: ArrowColumn[] = [];
  for (const [key, c] of cb.columns) {
    const name = key === BARE && cb.bare ? 'value' : key;
    if (c.kind === 'values') {
      if (!c.values.every((v) => typeof v === 'string')) return null;
      columns.push({ name, kind: 'string', dtype: null, values: null, shape: [], length: cb.length, strings: c.values as string[] });
      continue;
    }
    const t = c.tensor;
    const rowShape = t.shape.slice(1);
    if (c.kind !== 'tensor' && rowShape.length !== 0) return null;
    columns.push({ name, kind: c.kind, dtype: t.dtype, values: t.data, shape: rowShape, length: cb.length });
  }
  return columnsToBatch(columns);
}

/** Writes a ColumnBatch to a sink: columnar sinks get an Arrow batch, others (or odd batches) records. */
export async function writeColumnBatch(sink: RecordSink, cb: ColumnBatch): Promise<void> {
  if (cb.length === 0) return;
  const rb = sink.writeBatch !== undefined ? columnBatchToArrow(cb) : null;
  if (rb !== null && sink.writeBatch !== undefined) await sink.writeBatch(rb);
  else await sink.write(batchToRows(cb));
}
