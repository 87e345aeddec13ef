// Eager op calls run CPU kernels; importing the eager lib registers them, so `eager(flow)` works on its own.
import '@weir/kernels-cpu';
import { firstValueFrom, Observable, toArray, type Subscription } from 'rxjs';
import type { Flow, FlowLike } from '@weir/dataflow';
import { Driver } from './driver';
import { evaluate } from './evaluate';

type ElementOf<F> = F extends Flow<infer T> ? T : unknown;

/**
 * Evaluates a Flow per element, op by op, on RxJS: every subscription is a separate run with its own state.
 * Synchronous sources are drained synchronously during `subscribe` (as RxJS `from(array)` is); unsubscribing,
 * or a `take` downstream, stops the source and calls its iterator's `return()`. Errors arrive on the error
 * channel as PipelineErrors naming the stage (`map#1`), the op and the source element.
 *
 * ```ts
 * eager(from([1, 2, 3]).pipe(map((x) => ops.mul(x, 2)))).subscribe((y) => console.log(y)); // 2, 4, 6
 * ```
 */
export function eager<F extends FlowLike>(flow: F): Observable<ElementOf<F>> {
  return new Observable<ElementOf<F>>((subscriber) => {
    // A push source's delivery may unblock a gated pull source: resume pumping.
    const driver: Driver = new Driver(() => driver.run());
    const sub = evaluate(flow, driver).subscribe({
      next: (env) => subscriber.next(env.value as ElementOf<F>),
      error: (e) => subscriber.error(e),
      complete: () => subscriber.complete(),
    });
    driver.run();
    return () => {
      driver.stop();
      sub.unsubscribe();
    };
  });
}

/**
 * Evaluates a Flow as an async iterable that the consumer drives: each `next()` pulls source elements one at a
 * time until an output is ready, so an infinite iterable source works and nothing is pulled ahead of demand
 * (an Observable source pushes on its own; its elements wait in a queue). Each iteration is a separate run;
 * `break` or `return()` stops the source. A pipeline error rejects `next()` after the outputs before it.
 *
 * ```ts
 * for await (const y of eagerIterate(from(naturals()).pipe(map((x) => x * x)))) if (y > 100) break;
 * ```
 */
export function eagerIterate<F extends FlowLike>(flow: F): AsyncIterable<ElementOf<F>> {
  return { [Symbol.asyncIterator]: () => pull<ElementOf<F>>(flow) };
}

/**
 * Runs a Flow eagerly and gives all its elements (rejects with the PipelineError if it fails).
 *
 * ```ts
 * await eagerCollect(from([1, 2, 3]).pipe(filter((x) => x > 1))); // [2, 3]
 * ```
 */
export function eagerCollect<F extends FlowLike>(flow: F): Promise<ElementOf<F>[]> {
  return firstValueFrom(eager(flow).pipe(toArray()));
}

function pull<T>(flow: FlowLike): AsyncIterator<T> {
  const queue: T[] = [];
  let ended: { readonly error?: unknown; readonly failed: boolean } | undefined;
  let wake: (() => void) | undefined;
  let sub: Subscription | undefined;
  const signal = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  // The consumer drives: a push source's delivery only wakes a waiting next(), which then steps.
  const driver = new Driver(signal);
  const start = (): void => {
    sub = evaluate(flow, driver).subscribe({
      next: (env) => {
        queue.push(env.value as T);
        signal();
      },
      error: (error) => {
        ended = { error, failed: true };
        signal();
      },
      complete: () => {
        ended = { failed: false };
        signal();
      },
    });
  };
  const pullOne = async (): Promise<IteratorResult<T>> => {
    if (sub === undefined) start();
    for (;;) {
      if (queue.length > 0) return { value: queue.shift() as T, done: false };
      if (ended !== undefined) {
        if (ended.failed) {
          const error = ended.error;
          ended = { failed: false };
          throw error;
        }
        return { value: undefined, done: true };
      }
      const pending = driver.step();
      // No pull source ready: only an Observable can deliver (or unblock one); wait for it.
      if (pending === false) {
        if (queue.length === 0 && ended === undefined) await new Promise<void>((resolve) => (wake = resolve));
      } else if (pending !== true) await pending;
    }
  };
  // Calls to next() are served one after another, so a pull source never has two steps in flight.
  let last: Promise<unknown> = Promise.resolve();
  return {
    next: () => {
      const result = last.then(pullOne);
      last = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
    return: async () => {
      ended ??= { failed: false };
      queue.length = 0;
      driver.stop();
      sub?.unsubscribe();
      return { value: undefined, done: true };
    },
  };
}
