import type { TapOp } from '@weir/dataflow';
import { operate, type OperatorImpl } from '../stage';

/**
 * `tap(f)`: calls f(x, index) for its side effect and passes x on unchanged (f's result is ignored).
 *
 * ```ts
 * await eagerCollect(from([1, 2]).pipe(tap((x) => console.log(x)))); // logs 1, 2; [1, 2]
 * ```
 */
export const tapOperator: OperatorImpl<TapOp> = (op, ctx) =>
  operate(ctx, (out) => {
    let index = 0;
    return {
      next: (env) => {
        op.fn(env.value, index++);
        out.next(env);
      },
    };
  });
