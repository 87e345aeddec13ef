/**
 * Stream operators are data: a frozen descriptor naming the operator and holding its callback and options.
 * Nothing runs when a pipeline is built; `eager()` interprets the descriptors per element on RxJS and the
 * graph compiler traces their callbacks. Per-run state never lives on a descriptor (an operator can run
 * twice, concurrently).
 */
export interface MapOp { readonly kind: 'map'; readonly fn: (x: any, index: number) => any }
export interface FilterOp { readonly kind: 'filter'; readonly fn: (x: any, index: number) => unknown }
export interface FlatMapOp { readonly kind: 'flatMap'; readonly fn: (x: any, index: number) => Iterable<any> | ArrayLike<any> }
/** Keyed (after keyBy): the state is per key and the callback gets the key as its third argument. */
export interface ScanOp { readonly kind: 'scan'; readonly fn: (acc: any, x: any, key?: unknown) => any; readonly seed: unknown }
export interface ReduceOp { readonly kind: 'reduce'; readonly fn: (acc: any, x: any, key?: unknown) => any; readonly seed: unknown }
export interface BatchOp { readonly kind: 'batch'; readonly size: number }
export interface TapOp { readonly kind: 'tap'; readonly fn: (x: any, index: number) => void }
export interface TakeOp { readonly kind: 'take'; readonly count: number }
export interface SkipOp { readonly kind: 'skip'; readonly count: number }
export interface KeyByOp { readonly kind: 'keyBy'; readonly fn: (x: any) => unknown }
export interface CountWindowOp { readonly kind: 'countWindow'; readonly size: number; readonly slide: number }
export interface TimeWindowOp {
  readonly kind: 'timeWindow';
  /** The record field holding the event time, in milliseconds. */
  readonly time: string;
  readonly size: number;
  readonly slide: number;
  readonly allowedLateness: number;
  /** Where late records go (the side output). Without it they are counted and reported by a warning. */
  readonly late?: (record: any, info: LateInfo) => void;
}
export interface ZipOp { readonly kind: 'zip'; readonly other: FlowLike }
export interface MergeOp { readonly kind: 'merge'; readonly other: FlowLike }

export type OperatorDesc =
  | MapOp | FilterOp | FlatMapOp | ScanOp | ReduceOp | BatchOp | TapOp | TakeOp | SkipOp | KeyByOp
  | CountWindowOp | TimeWindowOp | ZipOp | MergeOp;
export type OperatorKind = OperatorDesc['kind'];

/** What a late record's side output is told. */
export interface LateInfo {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly watermark: number;
}

/** What an event-time window emits: the window's bounds, its key when keyed, and its records in order. */
export interface WindowPane<T> {
  readonly start: number;
  readonly end: number;
  readonly key?: unknown;
  readonly records: T[];
}

/** The structural view of a Flow that operators need (zip and merge hold another flow). */
export interface FlowLike {
  readonly source: SourceDesc | null;
  readonly operators: readonly OperatorDesc[];
}

export type SourceKind = 'iterable' | 'asyncIterable' | 'observable' | 'arrow';
export interface SourceDesc {
  readonly kind: SourceKind;
  readonly value: unknown;
}

export function describeOperator(op: OperatorDesc, position: number): string {
  return `${op.kind}#${position}`;
}
