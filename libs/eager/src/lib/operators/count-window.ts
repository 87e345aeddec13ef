import type { CountWindowOp } from '@weir/dataflow';
import { envelope, type Envelope } from '../envelope';
import { operate, type OperatorImpl } from '../stage';

interface KeyState {
  /** The last `size` elements of this key (every open window lies within them). */
  recent: Envelope[];
  /** How many elements of this key have arrived. */
  count: number;
  /** The per-key index of the last element of the last full window emitted; -1 before any. */
  covered: number;
}

/**
 * `window({ size, slide })`: a window starts at every `slide`-th element (per key after keyBy) and is emitted,
 * as an array of `size` elements, when its last element arrives.
 *
 * When the input ends, windows still open are partial. At most one is emitted: the oldest open window, and only
 * if it holds an element that no emitted window held. For tumbling windows (slide == size) that is exactly
 * "the final partial window, if non-empty". For sliding windows (slide < size) it avoids emitting every
 * shrinking tail ([4,5], [5] after [3,4,5]) while still showing each element in some window: size 3, slide 2
 * over 1..6 gives [1,2,3], [3,4,5], [5,6]; over 1..5 it gives [1,2,3], [3,4,5] and no partial. With
 * slide > size, elements between windows belong to none, by definition. Keyed partials are emitted in the
 * order keys first appeared.
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3, 4, 5]).pipe(window({ size: 2 }))); // [[1, 2], [3, 4], [5]]
 * ```
 */
export const countWindowOperator: OperatorImpl<CountWindowOp> = (op, ctx) =>
  operate(ctx, (out) => {
    const { size, slide } = op;
    const keys = new Map<unknown, KeyState>();
    const emit = (items: readonly Envelope[], key: unknown): void => {
      out.next(envelope(items.map((e) => e.value), items[items.length - 1].src, key));
    };
    return {
      next: (env) => {
        let state = keys.get(env.key);
        if (state === undefined) keys.set(env.key, (state = { recent: [], count: 0, covered: -1 }));
        const i = state.count++;
        state.recent.push(env);
        if (state.recent.length > size) state.recent.shift();
        // The window starting at element i - size + 1 ends at i; it exists if that start is a multiple of slide.
        const start = i - size + 1;
        if (start >= 0 && start % slide === 0) {
          state.covered = i;
          emit(state.recent, env.key);
        }
      },
      complete: () => {
        for (const [key, state] of keys) {
          if (out.closed) return;
          const partial = oldestOpenWindow(state, size, slide);
          if (partial.length > 0 && state.count - 1 > state.covered) emit(partial, key);
        }
        out.complete();
      },
    };
  });

/** The elements of the earliest-starting window that has started but not filled, or [] if none. */
function oldestOpenWindow(state: KeyState, size: number, slide: number): Envelope[] {
  const n = state.count;
  // Open windows start after n - size (earlier ones are full) and at or before n - 1.
  const lowest = Math.max(0, n - size + 1);
  const start = Math.ceil(lowest / slide) * slide;
  if (start > n - 1) return [];
  return state.recent.slice(state.recent.length - (n - start));
}
