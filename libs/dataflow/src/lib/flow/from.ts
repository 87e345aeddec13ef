import { Flow } from './flow';
import type { SourceDesc } from './operator';

/**
 * `from(source)`: a Flow over an iterable, an async iterable, an Observable (anything with `subscribe`),
 * an Arrow Table, or an array of Arrow RecordBatches (rows become records; tensor columns are zero-copy views).
 */
export function from<T = any>(source: unknown): Flow<T> {
  return new Flow<T>(describeSource(source), []);
}

export function describeSource(source: unknown): SourceDesc {
  if (isArrowTable(source) || isArrowBatchList(source) || isArrowBatch(source)) return { kind: 'arrow', value: source };
  if (source !== null && typeof source === 'object' && typeof (source as any).subscribe === 'function') {
    return { kind: 'observable', value: source };
  }
  if (source !== null && source !== undefined && typeof (source as any)[Symbol.iterator] === 'function' && typeof source !== 'string') {
    return { kind: 'iterable', value: source };
  }
  if (source !== null && source !== undefined && typeof (source as any)[Symbol.asyncIterator] === 'function') {
    return { kind: 'asyncIterable', value: source };
  }
  throw new TypeError(
    `Argument 'source' passed to 'from' is ${source === null ? 'null' : typeof source}; expected an iterable, an async iterable, an Observable, an Arrow Table or RecordBatches`,
  );
}

// Duck-typed so this file need not import apache-arrow's classes (a Table from another copy of the library
// still works).
function isArrowTable(x: unknown): boolean {
  return typeof x === 'object' && x !== null && Array.isArray((x as any).batches) && 'schema' in x && typeof (x as any).getChild === 'function';
}
function isArrowBatch(x: unknown): boolean {
  return typeof x === 'object' && x !== null && 'schema' in x && 'data' in x && typeof (x as any).getChildAt === 'function' && !Array.isArray((x as any).batches);
}
function isArrowBatchList(x: unknown): boolean {
  return Array.isArray(x) && x.length > 0 && x.every(isArrowBatch);
}
