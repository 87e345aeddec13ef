import { Observable } from 'rxjs';
import type { ZipOp } from '@weir/dataflow';
import { envelope, type Envelope } from '../envelope';
import { subscribeStage, type OperatorImpl } from '../stage';

/**
 * `zip(other)`: pairs [a, b] of this stream's and the other flow's elements, in order. The other flow runs
 * eagerly in the same run (its stages are named `zip#i/...`). A side's pull sources are pulled only while
 * that side has nothing waiting, so zipping an Observable with an infinite generator stays bounded. The
 * stream ends when one side has ended and everything it sent has been paired; the other side is then
 * unsubscribed (its source stopped). A pair carries the source index of its left element.
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3]).pipe(zip(from(['a', 'b'])))); // [[1, 'a'], [2, 'b']]
 * ```
 */
export const zipOperator: OperatorImpl<ZipOp> = (op, ctx) => (source) =>
  new Observable<Envelope>((out) => {
    // Built before anything subscribes, so a bad other flow fails without leaving this input running.
    const otherStream = ctx.nested(op.other);
    const left = { items: [] as Envelope[], done: false };
    const right = { items: [] as Envelope[], done: false };
    const drain = (): void => {
      while (left.items.length > 0 && right.items.length > 0 && !out.closed) {
        const a = left.items.shift() as Envelope;
        const b = right.items.shift() as Envelope;
        out.next(envelope([a.value, b.value], a.src));
      }
      if ((left.done && left.items.length === 0) || (right.done && right.items.length === 0)) out.complete();
    };
    const subscribeSide = (input: Observable<Envelope>, side: typeof left) =>
      ctx.gated(
        () => side.items.length === 0,
        () =>
          subscribeStage(input, out, ctx, {
            next: (env) => {
              side.items.push(env);
              drain();
            },
            complete: () => {
              side.done = true;
              drain();
            },
          }),
      );
    const main = subscribeSide(source, left);
    const other = subscribeSide(otherStream, right);
    return () => {
      main.unsubscribe();
      other.unsubscribe();
    };
  });
