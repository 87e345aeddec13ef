import { arrowRows, describeSource, SourceDesc } from '@weir/dataflow';
import { Tensor } from '@weir/dataflow';
import { BARE, Column, ColumnBatch, rowsToBatch } from './batch';

/**
 * A source as batches of `batchSize` rows, pulled on demand: nothing is read ahead of what the pipeline
 * asks for, so memory stays bounded whatever the input's size. Observables push, so they are buffered.
 */
export async function* sourceBatches(source: SourceDesc, batchSize: number): AsyncGenerator<ColumnBatch> {
  if (source.kind === 'iterable') {
    yield* syncBatches(source.value as Iterable<unknown>, batchSize);
    return;
  }
  let next = 0;
  let rows: unknown[] = [];
  const flush = (): ColumnBatch => {
    const src = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) src[i] = next + i;
    next += rows.length;
    const b = rowsToBatch(rows, src);
    rows = [];
    return b;
  };
  for await (const row of rowIterable(source)) {
    rows.push(row);
    if (rows.length >= batchSize) yield flush();
  }
  if (rows.length > 0) yield flush();
}

const srcRange = (start: number, n: number): Float64Array => {
  const src = new Float64Array(n);
  for (let i = 0; i < n; i++) src[i] = start + i;
  return src;
};

/**
 * Synchronous sources without a promise per element: a typed array becomes number columns with no copy
 * (subarray views), an array is sliced, and any other iterable fills one batch per pull.
 */
function* syncBatches(it: Iterable<unknown>, batchSize: number): Generator<ColumnBatch> {
  if (ArrayBuffer.isView(it) && !(it instanceof DataView)) {
    const arr = it as unknown as Float64Array | Float32Array | Int32Array | Uint8Array;
    const dtype = arr instanceof Float32Array ? 'float32' : arr instanceof Int32Array ? 'int32' : arr instanceof Uint8Array ? 'uint8' : 'float64';
    const data = dtype === 'float64' && !(arr instanceof Float64Array) ? Float64Array.from(arr as ArrayLike<number>) : arr;
    for (let start = 0; start < data.length; start += batchSize) {
      const n = Math.min(batchSize, data.length - start);
      const column: Column = { kind: 'number', tensor: new Tensor(dtype, [n], data.subarray(start, start + n)) };
      yield { length: n, bare: true, columns: new Map([[BARE, column]]), src: srcRange(start, n) };
    }
    return;
  }
  if (Array.isArray(it)) {
    for (let start = 0; start < it.length; start += batchSize) {
      const n = Math.min(batchSize, it.length - start);
      yield rowsToBatch(it.slice(start, start + n), srcRange(start, n));
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
        yield rowsToBatch(rows, srcRange(next, rows.length));
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

export { describeSource };
