import { allocate, sizeOf, Tensor } from '@weir/dataflow';
import { NotANumberInRun } from '@weir/kernels-cpu';
import { tensorColumn } from './tensor-column';

/**
 * The executor's currency: a batch of rows stored column by column.
 * - tensor: every row holds a tensor of one dtype and shape; stored as one Tensor [rows, ...shape].
 * - number / boolean: a scalar per row, stored as a Tensor [rows] (numbers keep their storage dtype).
 * - values: anything else (strings, nulls, mixed), as a JS array; a traced stage may only pass these through.
 * `src` holds each row's source element index, so errors can name it after filters and windows.
 */
export type Column =
  | { readonly kind: 'tensor'; readonly tensor: Tensor }
  | { readonly kind: 'number'; readonly tensor: Tensor; readonly run?: NumberRun }
  | { readonly kind: 'boolean'; readonly tensor: Tensor }
  | { readonly kind: 'values'; readonly values: readonly unknown[] };

/**
 * Where a float64 number column's values sit in the plain JS array a source is reading: `values[start ..
 * start + length)`, all checked to be numbers. A fold that reads the column can loop over them in place
 * (kernels-cpu's fusedReduceRuns); anything that reads `tensor` gets them copied into a Float64Array first.
 */
export interface NumberRun {
  readonly values: readonly number[];
  readonly start: number;
  /**
   * False for a run nobody has checked (uncheckedNumberRun): whatever reads it must check each value as it
   * reads it and throw NotANumberInRun (@weir/kernels-cpu) at the first that is not a number.
   */
  readonly checked: boolean;
}

export interface ColumnBatch {
  readonly length: number;
  /** Bare elements (numbers or tensors) in the single column '' rather than records. */
  readonly bare: boolean;
  readonly columns: ReadonlyMap<string, Column>;
  readonly src: Float64Array;
  /**
   * Set on a source's batch whose number run was not checked (uncheckedNumberRun): the same batch built the
   * checked way (a checked run, or values when not all are numbers). Only a stage that declares
   * `acceptsUncheckedRuns` gets such a batch; the plan gives every other stage `unchecked()`.
   */
  readonly unchecked?: () => ColumnBatch;
}

export const BARE = '';

/**
 * Builds a batch from rows (records or bare values). `src` is the rows' source indices, or the first of a
 * contiguous run of them (a source's own batches), then made only if something reads it: a fused chain or
 * a fold never does unless an element fails, and filling it was a tenth of a scalar pipeline's time.
 */
export function rowsToBatch(rows: readonly unknown[], src: Float64Array | number): ColumnBatch {
  const bare = rows.length > 0 && !isRecord(rows[0]);
  const columns = bare ? new Map<string, Column>([[BARE, toColumn(rows)]]) : recordColumns(rows, null);
  return typeof src === 'number' ? rangeBatch(rows.length, bare, columns, src) : { length: rows.length, bare, columns, src };
}

/**
 * Record rows as columns: one per field some record has, in order of first appearance, except those in
 * `drop`. Rows that are not records have no fields (undefined in every column).
 */
export function recordColumns(rows: readonly unknown[], drop: ReadonlySet<string> | null): Map<string, Column> {
  const columns = new Map<string, Column>();
  const { names, allRecords } = recordFields(rows);
  for (const name of names) if (drop === null || !drop.has(name)) columns.set(name, toColumn(fieldValues(rows, name, allRecords)));
  return columns;
}

interface RecordFields {
  /** The union of the records' own enumerable field names, in order of first appearance. */
  readonly names: readonly string[];
  /** Every row is known to be a record, so reading a field need not check each row again. */
  readonly allRecords: boolean;
}

/**
 * The rows of one source nearly always have the first row's fields. That is checked with for-in, which reads
 * V8's enum cache where Object.keys makes an array per row; the union is built only when some record has
 * another field. (for-in also yields inherited enumerable fields: a polluted Object.prototype only sends the
 * batch down the union path, which sees own fields alone.)
 */
function recordFields(rows: readonly unknown[]): RecordFields {
  if (rows.length === 0 || !isRecord(rows[0])) return { names: unionOfFieldNames(rows), allRecords: false };
  const first = Object.keys(rows[0]);
  let allRecords = true;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    if (!isRecord(r)) allRecords = false;
    else for (const k in r) if (!first.includes(k)) return { names: unionOfFieldNames(rows), allRecords: false };
  }
  return { names: first, allRecords };
}

function unionOfFieldNames(rows: readonly unknown[]): string[] {
  const names = new Set<string>();
  for (const r of rows) if (isRecord(r)) for (const k of Object.keys(r)) names.add(k);
  return [...names];
}

/**
 * One field of every row (undefined where a row lacks it or is not a record). When every row is a record, a
 * plain loop with no check and no callback; otherwise (a bad row, or a hole in a sparse source array) map,
 * which keeps a hole a hole.
 */
function fieldValues(rows: readonly unknown[], name: string, allRecords: boolean): unknown[] {
  if (!allRecords) return rows.map((r) => (isRecord(r) ? r[name] : undefined));
  const n = rows.length;
  const values: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) values[i] = (rows[i] as Record<string, unknown>)[name];
  return values;
}

/** A batch of source elements `start`, `start + 1`, ...: its `src` column is made on first read. */
export function rangeBatch(length: number, bare: boolean, columns: ReadonlyMap<string, Column>, start: number, unchecked?: () => ColumnBatch): ColumnBatch {
  let src: Float64Array | null = null;
  return {
    length,
    bare,
    columns,
    ...(unchecked !== undefined ? { unchecked } : {}),
    get src() {
      if (src === null) {
        src = new Float64Array(length);
        for (let i = 0; i < length; i++) src[i] = start + i;
      }
      return src;
    },
  };
}

/** `b`'s rows with other columns; the source indices are read through (a range batch makes them lazily). */
export function withColumns(b: ColumnBatch, columns: ReadonlyMap<string, Column>, bare: boolean): ColumnBatch {
  return { length: b.length, bare, columns, get src() { return b.src; } };
}

/**
 * `values[start .. start + n)` as one float64 column when every one is a number, read in place (no slice of
 * the array first); null at the first value that is not a number.
 */
export function numberColumn(values: readonly unknown[], start: number, n: number): Column | null {
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[start + i];
    if (typeof v !== 'number') return null;
    data[i] = v;
  }
  return { kind: 'number', tensor: new Tensor('float64', [n], data) };
}

/**
 * The same column, left in the array: only checked (a read-only pass, ~0.6 ns a number, where the copy costs
 * ~4), and copied into its Float64Array the first time something reads `tensor`. Null at the first value
 * that is not a number.
 */
export function numberRunColumn(values: readonly unknown[], start: number, n: number): Column | null {
  for (let i = start, end = start + n; i < end; i++) if (typeof values[i] !== 'number') return null;
  return runColumn(values, start, n, true);
}

/**
 * The same column with no check pass: the values are checked as they are read, by the fused loop
 * (fusedReduceRuns, unchecked) or by `tensor`, which throw NotANumberInRun at the first value that is not a
 * number; the batch's `unchecked()` is then the batch to use. For a stream of numbers folded in place, the
 * check pass was what first read the array from memory (11% of the scalar benchmark's time).
 */
export function uncheckedNumberRun(values: readonly unknown[], start: number, n: number): Column {
  return runColumn(values, start, n, false);
}

function runColumn(values: readonly unknown[], start: number, n: number, checked: boolean): Column {
  const run: NumberRun = { values: values as readonly number[], start, checked };
  let tensor: Tensor | null = null;
  return {
    kind: 'number',
    run,
    get tensor() {
      if (tensor === null) {
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          const v = values[start + i];
          if (!checked && typeof v !== 'number') throw new NotANumberInRun(start + i);
          data[i] = v as number;
        }
        tensor = new Tensor('float64', [n], data);
      }
      return tensor;
    },
  };
}

/** The rows of a batch; tensor fields are zero-copy views into the column. */
export function batchToRows(b: ColumnBatch): unknown[] {
  const rows: unknown[] = new Array(b.length);
  const cols = [...b.columns.entries()];
  const readers = cols.map(([, c]) => reader(c));
  for (let i = 0; i < b.length; i++) {
    if (b.bare) rows[i] = readers[0](i);
    else {
      const r: Record<string, unknown> = {};
      for (let j = 0; j < cols.length; j++) {
        const v = readers[j](i);
        if (v !== undefined) r[cols[j][0]] = v;
      }
      rows[i] = r;
    }
  }
  return rows;
}

export function reader(c: Column): (i: number) => unknown {
  if (c.kind === 'values') return (i) => c.values[i];
  const t = c.tensor;
  if (c.kind === 'number') return (i) => t.data[i];
  if (c.kind === 'boolean') return (i) => t.data[i] !== 0;
  const shape = t.shape.slice(1);
  const n = sizeOf(shape);
  return (i) => new Tensor(t.dtype, shape, t.data.subarray(i * n, (i + 1) * n));
}

/**
 * Keeps the rows whose mask entry is non-zero, in order. Hot in filters: scalar columns are copied straight
 * from the mask (no index list), the common case of a filter over numbers.
 */
export function compact(b: ColumnBatch, mask: ArrayLike<number>): ColumnBatch {
  const n = b.length;
  let kept = 0;
  for (let i = 0; i < n; i++) if (mask[i] !== 0) kept++;
  if (kept === n) return b;
  const scalarOnly = [...b.columns.values()].every((c) => c.kind !== 'values' && c.tensor.rank === 1);
  if (!scalarOnly) {
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (mask[i] !== 0) keep.push(i);
    return takeRows(b, keep);
  }
  const columns = new Map<string, Column>();
  for (const [name, c] of b.columns) {
    if (c.kind === 'values') continue;
    const from = c.tensor.data;
    const to = allocate(c.tensor.dtype, kept);
    for (let i = 0, j = 0; i < n; i++) if (mask[i] !== 0) to[j++] = from[i];
    columns.set(name, { kind: c.kind, tensor: new Tensor(c.tensor.dtype, [kept], to) } as Column);
  }
  const src = new Float64Array(kept);
  for (let i = 0, j = 0; i < n; i++) if (mask[i] !== 0) src[j++] = b.src[i];
  return { length: kept, bare: b.bare, columns, src };
}

export function takeRows(b: ColumnBatch, rows: readonly number[]): ColumnBatch {
  if (rows.length === b.length) return b;
  const columns = new Map<string, Column>();
  for (const [name, c] of b.columns) {
    if (c.kind === 'values') columns.set(name, { kind: 'values', values: rows.map((i) => c.values[i]) });
    else columns.set(name, { kind: c.kind, tensor: gatherRows(c.tensor, rows) } as Column);
  }
  const src = new Float64Array(rows.length);
  rows.forEach((r, j) => (src[j] = b.src[r]));
  return { length: rows.length, bare: b.bare, columns, src };
}

function gatherRows(t: Tensor, rows: readonly number[]): Tensor {
  const inner = sizeOf(t.shape.slice(1));
  const data = allocate(t.dtype, rows.length * inner);
  if (inner === 1) for (let j = 0; j < rows.length; j++) data[j] = t.data[rows[j]];
  else for (let j = 0; j < rows.length; j++) data.set(t.data.subarray(rows[j] * inner, (rows[j] + 1) * inner), j * inner);
  return new Tensor(t.dtype, [rows.length, ...t.shape.slice(1)], data);
}

/** One column from one field's values, typed by what they all are (see Column). */
export function toColumn(values: readonly unknown[]): Column {
  const n = values.length;
  // Numbers (the hot case: a stream of plain numbers) are checked and copied in one pass.
  if (n > 0 && typeof values[0] === 'number') {
    const c = numberColumn(values, 0, n);
    if (c !== null) return c;
  }
  if (n > 0 && values.every((v) => typeof v === 'boolean')) {
    return { kind: 'boolean', tensor: new Tensor('bool', [n], Uint8Array.from(values as boolean[], (v) => (v ? 1 : 0))) };
  }
  return tensorColumn(values) ?? { kind: 'values', values };
}

/**
 * A plain object. Its prototype being Object.prototype already rules out a Tensor, so there is no
 * `instanceof Tensor` here: this runs once per row, and an imported binding is read through the exporting
 * module's getter on every call. An array whose prototype was set to Object.prototype is still not a record.
 */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype && !Array.isArray(x);
}
