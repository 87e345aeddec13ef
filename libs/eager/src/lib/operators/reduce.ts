import type { ReduceOperator } from '@weir/dataflow';
import { envelope, NO_KEY } from '../envelope';
import { operate, type OperatorImpl } from '../stage';
import { toElement } from '../values';

/**
 * `reduce(f, seed)`: emits the final accumulator when the input ends. After keyBy: one accumulator per key,
 * emitted in the order each key first appeared, and f gets the key as its third argument. Unkeyed, an empty
 * input emits the seed (as RxJS `reduce` with a seed does); keyed, an empty input has no keys and emits nothing.
 * The accumulator is normalized like any element, the seed included (see scan).
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3]).pipe(reduce((acc, x) => acc + x, 0))); // [6]
 * ```
 */
export const reduceOperator: OperatorImpl<ReduceOperator> = (op, ctx) =>
  operate(ctx, (out) => {
    // Map keeps insertion order, and re-setting a key keeps its place: first-appearance order for free.
    const accs = new Map<unknown, { acc: unknown; src: number | undefined }>();
    return {
      next: (env) => {
        const state = accs.get(env.key);
        const acc = state === undefined ? toElement(op.seed) : state.acc;
        accs.set(env.key, { acc: toElement(ctx.keyed ? op.fn(acc, env.value, env.key) : op.fn(acc, env.value)), src: env.src });
      },
      complete: () => {
        if (accs.size === 0 && !ctx.keyed) out.next(envelope(toElement(op.seed), undefined, NO_KEY));
        for (const [key, { acc, src }] of accs) {
          if (out.closed) return;
          out.next(envelope(toElement(acc), src, key));
        }
        out.complete();
      },
    };
  });
