import { arrowRows, describeSource, SourceDesc } from '@weir/dataflow';
import { ColumnBatch, rowsToBatch } from './batch';

/**
 * A source as batches of `batchSize` rows, pulled on demand: nothing is read ahead of what the pipeline
 * asks for, so memory stays bounded whatever the input's size. Observables push, so they are buffered.
 */
export async function* sourceBatches(source: SourceDesc, batchSize: number): AsyncGenerator<ColumnBatch> {
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
