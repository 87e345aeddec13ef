import type { FlatMapOp } from '@weir/dataflow';
import { rewrap } from '../envelope';
import { operate, type OperatorImpl } from '../stage';
import { toElement } from '../values';

/**
 * `flatMap(f)`: each x becomes the elements of f(x, index), an iterable or array-like; every one of them keeps
 * x's source index, so an error further down names the element that produced it.
 *
 * ```ts
 * await eagerCollect(from([1, 2]).pipe(flatMap((x) => [x, -x]))); // [1, -1, 2, -2]
 * ```
 */
export const flatMapOperator: OperatorImpl<FlatMapOp> = (op, ctx) =>
  operate(ctx, (out) => {
    let index = 0;
    return {
      next: (env) => {
        const result = op.fn(env.value, index++);
        const items = isIterable(result) ? result : isArrayLike(result) ? Array.from(result) : notIterable(result);
        for (const item of items) {
          // A downstream take may end the stream part-way through one input's outputs.
          if (out.closed) return;
          out.next(rewrap(env, toElement(item)));
        }
      },
    };
  });

function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && x !== undefined && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function' && typeof x !== 'string';
}

function isArrayLike(x: unknown): x is ArrayLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as ArrayLike<unknown>).length === 'number';
}

function notIterable(x: unknown): never {
  const what = x === null ? 'null' : typeof x === 'string' ? 'a string' : typeof x;
  throw new TypeError(`the callback returned ${what}; expected an array or an iterable of elements`);
}
