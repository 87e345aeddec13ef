/**
 * How an element travels between eager stages: its value, the index of the source element it came from
 * (so an error anywhere downstream can name that element) and its key after `keyBy`.
 *
 * The envelope never reaches the user: `eager()` unwraps it at the end of the chain.
 */
export interface Envelope<T = unknown> {
  readonly value: T;
  /**
   * The 0-based index of the source element that led to this one; for outputs built from many elements
   * (batch, windows, reduce) the last contributing one. Undefined when no element contributed (the seed a
   * reduce emits on empty input).
   */
  readonly src: number | undefined;
  /** The element's key after keyBy; NO_KEY on an unkeyed stream. */
  readonly key: unknown;
}

/** The key of every element of an unkeyed stream, so keyed and unkeyed stages share one code path. */
export const NO_KEY: unique symbol = Symbol('weir.noKey');

export function envelope<T>(value: T, src: number | undefined, key: unknown = NO_KEY): Envelope<T> {
  return { value, src, key };
}

/** The same element (source index and key) with a new value. */
export function rewrap<T>(env: Envelope, value: T): Envelope<T> {
  return { value, src: env.src, key: env.key };
}
