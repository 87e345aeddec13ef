import type { MapOp } from '@weir/dataflow';
import { rewrap } from '../envelope';
import { operate, type OperatorImpl } from '../stage';
import { toElement } from '../values';

/**
 * `map(f)`: each element x becomes f(x, index), index counting this stage's inputs from 0. A rank-0 tensor
 * result (or record field) becomes a number, as in graph mode.
 *
 * ```ts
 * await eagerCollect(from([1, 2]).pipe(map((x) => ops.mul(x, 10)))); // [10, 20]
 * ```
 */
export const mapOperator: OperatorImpl<MapOp> = (op, ctx) =>
  operate(ctx, (out) => {
    let index = 0;
    return { next: (env) => out.next(rewrap(env, toElement(op.fn(env.value, index++)))) };
  });
