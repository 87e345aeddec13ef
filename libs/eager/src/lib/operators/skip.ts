import type { SkipOp } from '@weir/dataflow';
import { operate, type OperatorImpl } from '../stage';

/**
 * `skip(n)`: drops the first n elements and passes the rest.
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3]).pipe(skip(2))); // [3]
 * ```
 */
export const skipOperator: OperatorImpl<SkipOp> = (op, ctx) =>
  operate(ctx, (out) => {
    let seen = 0;
    return {
      next: (env) => {
        if (seen++ >= op.count) out.next(env);
      },
    };
  });
