import { Observable } from 'rxjs';
import type { MergeOp } from '@weir/dataflow';
import { envelope, type Envelope } from '../envelope';
import { subscribeStage, type OperatorImpl, type StageHandlers } from '../stage';

/**
 * `merge(other)`: the elements of both streams as they arrive; ends when both have ended. The other flow runs
 * eagerly in the same run (its stages are named `merge#i/...`). Iterable sources are pulled in turn, one
 * element each, so two iterables interleave one-for-one (before any filtering) in `eager()` and
 * `eagerIterate()` alike; Observables push when they push. An element from the other flow carries the index
 * of its element in the other flow's source.
 *
 * ```ts
 * await eagerCollect(from([1, 2]).pipe(merge(from([10, 20])))); // [1, 10, 2, 20]
 * ```
 */
export const mergeOperator: OperatorImpl<MergeOp> = (op, ctx) => (source) =>
  new Observable<Envelope>((out) => {
    // Built before anything subscribes, so a bad other flow fails without leaving this input running.
    const otherStream = ctx.nested(op.other);
    let active = 2;
    const handlers: StageHandlers = {
      // A merged stream mixes keys (and streams), so keying ends here.
      next: (env) => out.next(envelope(env.value, env.src)),
      complete: () => {
        if (--active === 0) out.complete();
      },
    };
    const main = subscribeStage(source, out, ctx, handlers);
    const other = subscribeStage(otherStream, out, ctx, handlers);
    return () => {
      main.unsubscribe();
      other.unsubscribe();
    };
  });
