import { isObservable, Observable, Subject, takeUntil, type Subscriber } from 'rxjs';
import { arrowRows, type SourceDesc, type SourceKind } from '@weir/dataflow';
import type { Driver } from './driver';
import { envelope, type Envelope } from './envelope';
import { stageError } from './stage';

type SourceImpl = (value: unknown, driver: Driver, stage: string) => Observable<Envelope>;

/**
 * The source of a run as an Observable of envelopes, each carrying its 0-based source index. Pull sources
 * (iterables, async iterables, Arrow) are paced by `driver`; unsubscribing stops the pulls and calls the
 * iterator's `return()`, so a generator's `finally` runs. Errors the source throws are reported as stage
 * `stage` (normally 'source') with the index of the element it was producing.
 *
 * ```ts
 * sourceObservable({ kind: 'iterable', value: [1, 2] }, driver, 'source'); // envelopes {value: 1, src: 0}, ...
 * ```
 */
export function sourceObservable(desc: SourceDesc, driver: Driver, stage: string): Observable<Envelope> {
  return SOURCES[desc.kind](desc.value, driver, stage);
}

const SOURCES: { readonly [K in SourceKind]: SourceImpl } = {
  iterable: (value, driver, stage) => iterableSource(() => (value as Iterable<unknown>)[Symbol.iterator](), driver, stage),
  // Rows are read lazily, one batch's columns at a time, so a large table is not materialized up front.
  arrow: (value, driver, stage) =>
    iterableSource(() => arrowRows(value as Parameters<typeof arrowRows>[0])[Symbol.iterator](), driver, stage),
  asyncIterable: asyncIterableSource,
  observable: observableSource,
};

function iterableSource(open: () => Iterator<unknown>, driver: Driver, stage: string): Observable<Envelope> {
  return new Observable<Envelope>((out) => {
    let index = 0;
    let iterator: Iterator<unknown>;
    try {
      iterator = open();
    } catch (e) {
      out.error(stageError(stage, undefined, e));
      return;
    }
    let done = false;
    const finish = (): void => {
      done = true;
      remove();
    };
    const remove = driver.add({
      step: () => {
        let r: IteratorResult<unknown>;
        try {
          r = iterator.next();
        } catch (e) {
          finish();
          out.error(stageError(stage, index, e));
          return;
        }
        if (r.done) {
          finish();
          out.complete();
        } else {
          out.next(envelope(r.value, index++));
        }
      },
    });
    return () => {
      remove();
      if (!done) {
        done = true;
        iterator.return?.();
      }
    };
  });
}

function asyncIterableSource(value: unknown, driver: Driver, stage: string): Observable<Envelope> {
  return new Observable<Envelope>((out) => {
    let index = 0;
    let iterator: AsyncIterator<unknown>;
    try {
      iterator = (value as AsyncIterable<unknown>)[Symbol.asyncIterator]();
    } catch (e) {
      out.error(stageError(stage, undefined, e));
      return;
    }
    let done = false;
    const fail = (e: unknown): void => {
      done = true;
      remove();
      if (!out.closed) out.error(stageError(stage, index, e));
    };
    const remove = driver.add({
      step: () => {
        let pending: Promise<IteratorResult<unknown>>;
        try {
          pending = Promise.resolve(iterator.next());
        } catch (e) {
          fail(e);
          return;
        }
        return pending.then((r) => {
          // Unsubscribed while the pull was in flight: the teardown already called return().
          if (out.closed) return;
          if (r.done) {
            done = true;
            remove();
            out.complete();
          } else {
            out.next(envelope(r.value, index++));
          }
        }, fail);
      },
    });
    return () => {
      remove();
      if (!done) {
        done = true;
        void iterator.return?.();
      }
    };
  });
}

/**
 * Observables push, so they are not paced; they start once the chain is wired, and kick the driver after each
 * delivery (a zip it fed may now want the other side pulled). `takeUntil(stop)` links the
 * teardown to the subscriber the Observable itself checks, so even one that emits synchronously without end
 * (RxJS `from(generator)`) stops when a downstream `take` is satisfied.
 */
function observableSource(value: unknown, driver: Driver, stage: string): Observable<Envelope> {
  return new Observable<Envelope>((out: Subscriber<Envelope>) => {
    let index = 0;
    const stop = new Subject<void>();
    const input = isObservable(value) ? value : foreignObservable(value as ForeignObservable);
    const cancel = driver.onStart(() => {
      out.add(
        input
          .pipe(takeUntil(stop))
          .subscribe({
            next: (v) => {
              out.next(envelope(v, index++));
              driver.kick();
            },
            error: (e) => {
              out.error(stageError(stage, index, e));
              driver.kick();
            },
            complete: () => {
              out.complete();
              driver.kick();
            },
          }),
      );
    });
    return () => {
      cancel();
      stop.next();
    };
  });
}

/** Anything with `subscribe(observer)`, not necessarily RxJS's (a zen-observable, a hand-written one). */
interface ForeignObservable {
  subscribe(observer: { next(v: unknown): void; error(e: unknown): void; complete(): void }): unknown;
}

function foreignObservable(value: ForeignObservable): Observable<unknown> {
  return new Observable<unknown>((sub) => {
    const handle = value.subscribe({
      next: (v) => sub.next(v),
      error: (e) => sub.error(e),
      complete: () => sub.complete(),
    });
    return () => {
      if (typeof handle === 'function') handle();
      else if (handle !== null && typeof handle === 'object' && typeof (handle as { unsubscribe?: unknown }).unsubscribe === 'function') {
        (handle as { unsubscribe(): void }).unsubscribe();
      }
    };
  });
}
