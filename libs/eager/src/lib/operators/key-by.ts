import type { KeyByOp } from '@weir/dataflow';
import { envelope } from '../envelope';
import { operate, type OperatorImpl } from '../stage';
import { toKey } from '../values';

/**
 * `keyBy(keyFn)`: tags each element with keyFn(x); the element itself is unchanged. The key travels with the
 * element (through map, filter, ...) to the scan, reduce and windows after it, which keep state per key
 * (keys compare by SameValueZero; a scalar tensor key by its value).
 *
 * ```ts
 * await eagerCollect(from(rows).pipe(keyBy((r) => r.user), scan((n) => n + 1, 0))); // a count per user
 * ```
 */
export const keyByOperator: OperatorImpl<KeyByOp> = (op, ctx) =>
  operate(ctx, (out) => ({
    next: (env) => out.next(envelope(env.value, env.src, toKey(op.fn(env.value)))),
  }));
