import type { Tensor } from '../../core/tensor';
import type {
  BatchOp, CountWindowOp, FilterOp, FlatMapOp, FlowLike, KeyByOp, LateInfo, MapOp, MergeOp, ReduceOp, ScanOp, SkipOp,
  TakeOp, TapOp, TimeWindowOp, ZipOp,
} from '../operator';

function checkFn(op: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`Argument 'f' passed to '${op}' is ${typeof fn}; expected a function`);
}
function checkCount(op: string, arg: string, n: unknown, min: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw new TypeError(`Argument '${arg}' passed to '${op}' is ${JSON.stringify(n)}; expected an integer >= ${min}`);
  }
  return n;
}

/** `map(f)`: each element x becomes f(x, index). `from([1, 2]).pipe(map((x) => ops.mul(x, 2)))` */
export function map<I, O>(f: (x: I, index: number) => O): MapOp {
  checkFn('map', f);
  return Object.freeze({ kind: 'map', fn: f });
}

/** `filter(pred)`: keeps x when pred(x) is truthy (a bool tensor counts by its value). */
export function filter<I>(pred: (x: I, index: number) => unknown): FilterOp {
  checkFn('filter', pred);
  return Object.freeze({ kind: 'filter', fn: pred });
}

/** `flatMap(f)`: each x becomes the elements of f(x) (an array or iterable). */
export function flatMap<I, O>(f: (x: I, index: number) => Iterable<O> | ArrayLike<O>): FlatMapOp {
  checkFn('flatMap', f);
  return Object.freeze({ kind: 'flatMap', fn: f });
}

/**
 * `scan(f, seed)`: emits each running accumulator; per key after keyBy. The accumulator is normalized like
 * an element, the seed included: a rank-0 tensor (seed or result) reaches f as a plain number.
 */
export function scan<A, I>(f: (acc: A, x: I, key?: unknown) => unknown, seed: A | Tensor): ScanOp {
  checkFn('scan', f);
  return Object.freeze({ kind: 'scan', fn: f, seed });
}

/** `reduce(f, seed)`: emits the final accumulator when the input ends; one per key after keyBy. */
export function reduce<A, I>(f: (acc: A, x: I, key?: unknown) => unknown, seed: A | Tensor): ReduceOp {
  checkFn('reduce', f);
  return Object.freeze({ kind: 'reduce', fn: f, seed });
}

/** `batch(n)`: groups elements into arrays of n (the last may be shorter). */
export function batch(n: number): BatchOp {
  return Object.freeze({ kind: 'batch', size: checkCount('batch', 'n', n, 1) });
}

/** `tap(f)`: calls f(x) for its side effect and passes x on unchanged. */
export function tap<I>(f: (x: I, index: number) => void): TapOp {
  checkFn('tap', f);
  return Object.freeze({ kind: 'tap', fn: f });
}

/** `take(n)`: the first n elements, then the stream ends (and the source is released). */
export function take(n: number): TakeOp {
  return Object.freeze({ kind: 'take', count: checkCount('take', 'n', n, 0) });
}

/** `skip(n)`: drops the first n elements. */
export function skip(n: number): SkipOp {
  return Object.freeze({ kind: 'skip', count: checkCount('skip', 'n', n, 0) });
}

/** `keyBy(keyFn)`: scan, reduce and window after it keep state per key (keys compared with SameValueZero). */
export function keyBy<I>(keyFn: (x: I) => unknown): KeyByOp {
  checkFn('keyBy', keyFn);
  return Object.freeze({ kind: 'keyBy', fn: keyFn });
}

export type WindowOptions =
  | { size: number; slide?: number }
  | { time: string; size: number; slide?: number; allowedLateness?: number; late?: (record: any, info: LateInfo) => void };

/**
 * `window({ size, slide? })`: count windows, emitting arrays of `size` records every `slide` records.
 * `window({ time, size, slide?, allowedLateness?, late? })`: event-time windows of `size` ms every `slide` ms,
 * aligned to multiples of `slide`, by the record's `time` field. The watermark is the largest event time seen;
 * a window [start, end) is emitted as a WindowPane when the watermark reaches end + allowedLateness, and the
 * rest when the input ends. A record whose windows have all been emitted is late: it goes to `late` (the
 * side output) and is counted; never dropped silently.
 */
export function window(options: WindowOptions): CountWindowOp | TimeWindowOp {
  if (typeof options !== 'object' || options === null) throw new TypeError(`Argument 'options' passed to 'window' must be an object`);
  const size = checkCount('window', 'size', options.size, 1);
  const slide = checkCount('window', 'slide', options.slide ?? size, 1);
  if ('time' in options) {
    if (typeof options.time !== 'string') throw new TypeError(`Argument 'time' passed to 'window' must be a field name`);
    const allowedLateness = checkCount('window', 'allowedLateness', options.allowedLateness ?? 0, 0);
    if (options.late !== undefined) checkFn('window', options.late);
    return Object.freeze({ kind: 'timeWindow', time: options.time, size, slide, allowedLateness, late: options.late });
  }
  return Object.freeze({ kind: 'countWindow', size, slide });
}

/** `zip(other)`: pairs [a, b] of this stream's and other's elements, in order, until either ends. */
export function zip(other: FlowLike): ZipOp {
  return Object.freeze({ kind: 'zip', other });
}

/** `merge(other)`: the elements of both streams as they arrive. */
export function merge(other: FlowLike): MergeOp {
  return Object.freeze({ kind: 'merge', other });
}
