import { RecordBatch, Table } from 'apache-arrow';
import { arrowRows, describeSource, SourceDesc } from '@weir/dataflow';
import { Tensor } from '@weir/dataflow';
import { BARE, Column, ColumnBatch, isRecord, numberRunColumn, rangeBatch, recordColumns, rowsToBatch, uncheckedNumberRun, withColumns } from './batch';
import type { Schema } from './propagate';
import { schemaOf } from './schema';

/**
 * What a source asks the plan once, when it knows its schema and before it builds any column (the stream
 * pass projectionPushdown): the fields it may leave out, because no stage reads them and they cannot reach
 * the output. An empty set keeps every field.
 */
export type ProjectionRequest = (schema: Schema) => ReadonlySet<string>;

/** What a source does with the answer: set once, read before each chunk it builds. */
interface Projection {
  /** Field names to leave out; null until the first batch has been built and the plan asked. */
  drop: ReadonlySet<string> | null;
}

/**
 * A source as batches of `batchSize` rows, pulled on demand: nothing is read ahead of what the pipeline
 * asks for, so memory stays bounded whatever the input's size. Observables push, so they are buffered.
 * With `project`, the first batch is built whole (its schema is what the plan decides on) and the fields the
 * plan drops are removed from it; later batches never build those columns (an Arrow source does not even
 * read them out of its buffers).
 */
export async function* sourceBatches(source: SourceDesc, batchSize: number, project?: ProjectionRequest, ahead?: ReadAhead): AsyncGenerator<ColumnBatch> {
  const projection: Projection = { drop: null };
  const build = batchBuilder(project, projection);
  if (source.kind === 'iterable') {
    const batches = syncBatches(source.value as Iterable<unknown>, batchSize, build);
    yield* ahead === undefined || !isInMemory(source.value) ? batches : readingAhead(batches, ahead);
    return;
  }
  let next = 0;
  let rows: unknown[] = [];
  const flush = (): ColumnBatch => {
    const b = build(rows, next);
    next += rows.length;
    rows = [];
    return b;
  };
  const it = source.kind === 'arrow' ? arrowSourceRows(source.value as ArrowValue, batchSize, projection) : rowIterable(source);
  for await (const row of it) {
    rows.push(row);
    if (rows.length >= batchSize) yield flush();
  }
  if (rows.length > 0) yield flush();
}

/**
 * A source's offer to build its next batch early: `next` is set while a batch is out with the plan, which
 * offers it to the kernels (offerCallerWork, @weir/kernels-cpu) so that a threaded kernel builds the next
 * batch on the calling thread while its workers compute this one. Null when there is nothing to offer.
 */
export interface ReadAhead {
  next: (() => void) | null;
}

/**
 * Arrays and typed arrays: building their batches early reads values that are already there (a generator
 * would run the user's code in the middle of a kernel call), so it has no effect anyone could see. A record
 * with a getter is the exception: its getter runs early (a record is meant to be a plain object of values).
 */
function isInMemory(value: unknown): boolean {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

type Early = { readonly r: IteratorResult<ColumnBatch> } | { readonly error: unknown };

/**
 * `batches`, with `ahead.next` set while each is out: calling it builds the one after (at most once), and
 * that is what comes next; an error building it is thrown when it would have been built.
 */
function* readingAhead(batches: Iterator<ColumnBatch>, ahead: ReadAhead): Generator<ColumnBatch> {
  let early: Early | null = null;
  const take = (): Early => {
    const e = early ?? { r: batches.next() };
    early = null;
    return e;
  };
  const pull = (): void => {
    if (ahead.next !== pull) return; // once per batch out: a second call would lose the one built
    ahead.next = null;
    try {
      early = { r: batches.next() };
    } catch (error) {
      early = { error };
    }
  };
  for (;;) {
    const got = take();
    if ('error' in got) throw got.error;
    if (got.r.done === true) return;
    ahead.next = pull;
    try {
      yield got.r.value;
    } finally {
      ahead.next = null;
    }
  }
}

/**
 * Synchronous sources without a promise per element: a typed array becomes number columns with no copy
 * (subarray views); an array's runs of numbers stay in it (numberRunColumn) and other arrays are sliced; any
 * other iterable fills one batch per pull. Source indices are made only when read (rangeBatch).
 */
function* syncBatches(it: Iterable<unknown>, batchSize: number, build: BatchBuilder): Generator<ColumnBatch> {
  if (ArrayBuffer.isView(it) && !(it instanceof DataView)) {
    const arr = it as unknown as Float64Array | Float32Array | Int32Array | Uint8Array;
    const dtype = arr instanceof Float32Array ? 'float32' : arr instanceof Int32Array ? 'int32' : arr instanceof Uint8Array ? 'uint8' : 'float64';
    const data = dtype === 'float64' && !(arr instanceof Float64Array) ? Float64Array.from(arr as ArrayLike<number>) : arr;
    for (let start = 0; start < data.length; start += batchSize) {
      const n = Math.min(batchSize, data.length - start);
      const column: Column = { kind: 'number', tensor: new Tensor(dtype, [n], data.subarray(start, start + n)) };
      yield rangeBatch(n, true, new Map([[BARE, column]]), start);
    }
    return;
  }
  if (Array.isArray(it)) {
    for (let start = 0; start < it.length; start += batchSize) {
      const n = Math.min(batchSize, it.length - start);
      // A batch that starts with a number is a run of the array, left in it (copied only if a stage reads it
      // as a column), and not checked yet: a stage that accepts unchecked runs checks as it reads; the plan
      // gives any other the checked batch, `checked()`.
      const checked = (): ColumnBatch => {
        const numbers = numberRunColumn(it, start, n);
        return numbers !== null ? rangeBatch(n, true, new Map([[BARE, numbers]]), start) : build(it.slice(start, start + n), start);
      };
      yield typeof it[start] === 'number' ? rangeBatch(n, true, new Map([[BARE, uncheckedNumberRun(it, start, n)]]), start, checked) : checked();
    }
    return;
  }
  const iterator = it[Symbol.iterator]();
  let next = 0;
  try {
    for (;;) {
      const rows: unknown[] = [];
      let r = iterator.next();
      while (!r.done) {
        rows.push(r.value);
        if (rows.length >= batchSize) break;
        r = iterator.next();
      }
      if (rows.length > 0) {
        yield build(rows, next);
        next += rows.length;
      }
      if (r.done) return;
    }
  } finally {
    // take(n) stops pulling: let a generator source clean up.
    iterator.return?.();
  }
}

function rowIterable(source: SourceDesc): Iterable<unknown> | AsyncIterable<unknown> {
  switch (source.kind) {
    case 'iterable': return source.value as Iterable<unknown>;
    case 'asyncIterable': return source.value as AsyncIterable<unknown>;
    case 'arrow': return arrowRows(source.value as Parameters<typeof arrowRows>[0]);
    case 'observable': return observableRows(source.value as { subscribe: (o: object) => { unsubscribe(): void } });
  }
}

async function* observableRows(obs: { subscribe: (o: object) => { unsubscribe(): void } }): AsyncGenerator<unknown> {
  const buffer: unknown[] = [];
  let done = false;
  let failure: { e: unknown } | null = null;
  let wake: (() => void) | null = null;
  const sub = obs.subscribe({
    next: (v: unknown) => { buffer.push(v); wake?.(); },
    error: (e: unknown) => { failure = { e }; wake?.(); },
    complete: () => { done = true; wake?.(); },
  });
  try {
    for (;;) {
      if (buffer.length > 0) yield buffer.shift();
      else if (failure !== null) throw (failure as { e: unknown }).e;
      else if (done) return;
      else await new Promise<void>((r) => (wake = r));
      wake = null;
    }
  } finally {
    sub.unsubscribe();
  }
}

type BatchBuilder = (rows: readonly unknown[], src: Float64Array | number) => ColumnBatch;

/**
 * rowsToBatch, projected: the first non-empty batch is built whole and the plan is asked which fields to drop
 * (the answer lands in `projection`); every later batch builds only the other columns.
 */
function batchBuilder(project: ProjectionRequest | undefined, projection: Projection): BatchBuilder {
  if (project === undefined) return rowsToBatch;
  return (rows, src) => {
    const drop = projection.drop;
    if (drop !== null) return drop.size === 0 ? rowsToBatch(rows, src) : rowsWithout(rows, src, drop);
    const b = rowsToBatch(rows, src);
    if (b.length === 0) return b;
    projection.drop = project({ fields: schemaOf(b), bare: b.bare });
    return withoutFields(b, projection.drop);
  };
}

/**
 * Batches someone else built, narrowed by the plan's decision (asked on the first non-empty batch): their
 * dropped columns were built already, but no stage carries them further.
 */
export async function* projectBuilt(batches: AsyncIterable<ColumnBatch>, project: ProjectionRequest): AsyncGenerator<ColumnBatch> {
  let drop: ReadonlySet<string> | null = null;
  for await (const b of batches) {
    if (drop === null && b.length > 0) drop = project({ fields: schemaOf(b), bare: b.bare });
    yield drop === null ? b : withoutFields(b, drop);
  }
}

/** A built batch without the named columns (sharing the others). */
export function withoutFields(b: ColumnBatch, drop: ReadonlySet<string>): ColumnBatch {
  if (drop.size === 0 || b.bare) return b;
  const columns = new Map<string, Column>();
  for (const [name, c] of b.columns) if (!drop.has(name)) columns.set(name, c);
  return columns.size === b.columns.size ? b : withColumns(b, columns, b.bare);
}

/** rowsToBatch for records, never building the dropped fields' columns (each kept column typed as rowsToBatch types it). */
function rowsWithout(rows: readonly unknown[], src: Float64Array | number, drop: ReadonlySet<string>): ColumnBatch {
  if (rows.length === 0 || !isRecord(rows[0])) return rowsToBatch(rows, src);
  const columns = recordColumns(rows, drop);
  return typeof src === 'number' ? rangeBatch(rows.length, false, columns, src) : { length: rows.length, bare: false, columns, src };
}

type ArrowValue = Table | RecordBatch | readonly RecordBatch[];

/**
 * The records of an in-memory Arrow source, chunk by chunk (`batchSize` rows at most), each chunk's columns
 * read out of the Arrow buffers only when it is reached. Once the plan has said what to drop, chunks are
 * narrowed to the kept columns first (a zero-copy select), so dropped columns are never decoded.
 */
function* arrowSourceRows(value: ArrowValue, batchSize: number, projection: Projection): Generator<unknown> {
  const batches: readonly RecordBatch[] = Table.isTable(value) ? value.batches : RecordBatch.isRecordBatch(value) ? [value] : (value as readonly RecordBatch[]);
  for (const rb of batches) {
    for (let start = 0; start < rb.numRows; start += batchSize) {
      let chunk = rb.numRows <= batchSize ? rb : rb.slice(start, Math.min(start + batchSize, rb.numRows));
      if (projection.drop !== null) chunk = withoutArrowColumns(chunk, projection.drop);
      yield* arrowRows(chunk);
    }
  }
}

/**
 * An Arrow batch without the dropped columns: a zero-copy view. (selectAt, by index: apache-arrow 21's
 * select by name puts the kept columns at their old indices, misplacing every column after a dropped one.)
 */
export function withoutArrowColumns(rb: RecordBatch, drop: ReadonlySet<string>): RecordBatch {
  if (drop.size === 0) return rb;
  const keep: number[] = [];
  rb.schema.fields.forEach((f, i) => {
    if (!drop.has(f.name)) keep.push(i);
  });
  return keep.length === rb.schema.fields.length ? rb : rb.selectAt(keep);
}

export { describeSource };
