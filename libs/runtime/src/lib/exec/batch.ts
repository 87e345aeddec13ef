import { allocate, isTensor, sizeOf, Tensor } from '@weir/dataflow';
import type { TypedArray } from '@weir/dataflow';

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
}

export interface ColumnBatch {
  readonly length: number;
  /** Bare elements (numbers or tensors) in the single column '' rather than records. */
  readonly bare: boolean;
  readonly columns: ReadonlyMap<string, Column>;
  readonly src: Float64Array;
}

export const BARE = '';

/**
 * Builds a batch from rows (records or bare values). `src` is the rows' source indices, or the first of a
 * contiguous run of them (a source's own batches), then made only if something reads it: a fused chain or
 * a fold never does unless an element fails, and filling it was a tenth of a scalar pipeline's time.
 */
export function rowsToBatch(rows: readonly unknown[], src: Float64Array | number): ColumnBatch {
  const bare = rows.length > 0 && !isRecord(rows[0]);
  const columns = new Map<string, Column>();
  if (bare) columns.set(BARE, toColumn(rows));
  else {
    const names = new Set<string>();
    for (const r of rows) if (isRecord(r)) for (const k of Object.keys(r)) names.add(k);
    for (const name of names) columns.set(name, toColumn(rows.map((r) => (isRecord(r) ? r[name] : undefined))));
  }
  return typeof src === 'number' ? rangeBatch(rows.length, bare, columns, src) : { length: rows.length, bare, columns, src };
}

/** A batch of source elements `start`, `start + 1`, ...: its `src` column is made on first read. */
export function rangeBatch(length: number, bare: boolean, columns: ReadonlyMap<string, Column>, start: number): ColumnBatch {
  let src: Float64Array | null = null;
  return {
    length,
    bare,
    columns,
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
  const run: NumberRun = { values: values as readonly number[], start };
  let tensor: Tensor | null = null;
  return {
    kind: 'number',
    run,
    get tensor() {
      if (tensor === null) {
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = run.values[start + i];
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
  if (n > 0 && values.every(isTensor)) {
    const first = values[0] as Tensor;
    const same = (values as Tensor[]).every((t) => t.dtype === first.dtype && t.shape.length === first.rank && t.shape.every((d, i) => d === first.shape[i]));
    if (same) {
      let data = adjacentViews(values as Tensor[]);
      if (data === null) {
        const copy = allocate(first.dtype, n * first.size);
        (values as Tensor[]).forEach((t, i) => copy.set(t.data, i * first.size));
        data = copy;
      }
      return { kind: 'tensor', tensor: new Tensor(first.dtype, [n, ...first.shape], data) };
    }
  }
  return { kind: 'values', values };
}

/**
 * When the tensors are views lying back to back in one buffer (records cut from one array, or the rows of a
 * batch read back out), the column is that stretch of the buffer itself: no copy. Tensors are immutable, so
 * sharing their memory is safe. Null otherwise.
 */
function adjacentViews(ts: readonly Tensor[]): TypedArray | null {
  const first = ts[0].data;
  const bytes = first.byteLength;
  if (ts.length < 2 || bytes === 0) return null;
  for (let i = 1; i < ts.length; i++) {
    const d = ts[i].data;
    if (d.buffer !== first.buffer || d.byteOffset !== first.byteOffset + i * bytes) return null;
  }
  const Ctor = first.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;
  return new Ctor(first.buffer, first.byteOffset, first.length * ts.length);
}

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !isTensor(x) && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
}
