import type { BatchOp } from '@weir/dataflow';
import { envelope, type Envelope } from '../envelope';
import { operate, type OperatorImpl } from '../stage';

/**
 * `batch(n)`: arrays of n elements in arrival order; the last, emitted when the input ends, may be shorter
 * (never empty). Not keyed: a batch mixes keys, so it ends keying for the stages after it. A batch carries the
 * source index of its last element.
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3]).pipe(batch(2))); // [[1, 2], [3]]
 * ```
 */
export const batchOperator: OperatorImpl<BatchOp> = (op, ctx) =>
  operate(ctx, (out) => {
    let items: unknown[] = [];
    let last: Envelope | undefined;
    const flush = (): void => {
      const full = items;
      items = [];
      out.next(envelope(full, last?.src));
    };
    return {
      next: (env) => {
        items.push(env.value);
        last = env;
        if (items.length === op.size) flush();
      },
      complete: () => {
        if (items.length > 0) flush();
        out.complete();
      },
    };
  });
