import type { TakeOp } from '@weir/dataflow';
import { operate, type OperatorImpl } from '../stage';

/**
 * `take(n)`: the first n elements, then the stream completes; completing unsubscribes the input, which stops
 * the source (an iterator's `return()` runs), so `take` ends even an infinite generator. take(0) completes at
 * once without starting its input.
 *
 * ```ts
 * await eagerCollect(from(naturals()).pipe(take(3))); // [0, 1, 2]
 * ```
 */
export const takeOperator: OperatorImpl<TakeOp> = (op, ctx) =>
  operate(ctx, (out) => {
    let seen = 0;
    if (op.count === 0) out.complete();
    return {
      next: (env) => {
        seen++;
        out.next(env);
        if (seen >= op.count) out.complete();
      },
    };
  });
