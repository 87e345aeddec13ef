import type { ScanOp } from '@weir/dataflow';
import { rewrap } from '../envelope';
import { operate, type OperatorImpl } from '../stage';
import { toElement } from '../values';

/**
 * `scan(f, seed)`: emits each running accumulator. After keyBy the accumulator is per key and f gets the key
 * as its third argument. The accumulator is normalized like any element (rank-0 tensors become numbers), the
 * seed included: its types then stay the same from step to step, which is what lets graph mode trace the
 * step once and agree with eager mode (a rank-0 float64 tensor and a plain number promote differently).
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3]).pipe(scan((acc, x) => acc + x, 0))); // [1, 3, 6]
 * ```
 */
export const scanOperator: OperatorImpl<ScanOp> = (op, ctx) =>
  operate(ctx, (out) => {
    // Unkeyed streams use one entry, under NO_KEY, so both cases share this path.
    const accs = new Map<unknown, unknown>();
    return {
      next: (env) => {
        const acc = accs.has(env.key) ? accs.get(env.key) : toElement(op.seed);
        const next = toElement(ctx.keyed ? op.fn(acc, env.value, env.key) : op.fn(acc, env.value));
        accs.set(env.key, next);
        out.next(rewrap(env, next));
      },
    };
  });
