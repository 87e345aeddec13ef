import type { FilterOp } from '@weir/dataflow';
import { operate, type OperatorImpl } from '../stage';
import { predicateValue } from '../values';

/**
 * `filter(pred)`: keeps x when pred(x, index) is truthy; a bool or number tensor with one element counts by
 * its value, and a larger tensor is an error naming the stage.
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3]).pipe(filter((x) => ops.greater(x, 1)))); // [2, 3]
 * ```
 */
export const filterOperator: OperatorImpl<FilterOp> = (op, ctx) =>
  operate(ctx, (out) => {
    let index = 0;
    return {
      next: (env) => {
        if (predicateValue(op.fn(env.value, index++))) out.next(env);
      },
    };
  });
