import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { from as rxFrom, interval, map as rxMap, Observable, of } from 'rxjs';
import { from, map, PipelineError, take } from '@weir/dataflow';
import { eager, eagerCollect } from './eager';

describe('sources', () => {
  it('iterables: arrays, sets, generators', async () => {
    expect(await eagerCollect(from(new Set([3, 1])))).toEqual([3, 1]);
    function* gen() {
      yield 'a';
      yield 'b';
    }
    expect(await eagerCollect(from(gen()))).toEqual(['a', 'b']);
  });

  it('async iterables', async () => {
    async function* slow() {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield i;
      }
    }
    expect(await eagerCollect(from(slow()).pipe(map((x: number) => x * 2)))).toEqual([0, 2, 4]);
  });

  it('unsubscribing stops pulling an async iterable and calls its return()', async () => {
    let pulled = 0;
    let released = false;
    async function* ticks() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          await new Promise((r) => setTimeout(r, 1));
          yield i;
        }
      } finally {
        released = true;
      }
    }
    const seen: unknown[] = [];
    const sub = eager(from(ticks())).subscribe((v) => seen.push(v));
    await new Promise((r) => setTimeout(r, 30));
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 10));
    const pulledAtStop = pulled;
    await new Promise((r) => setTimeout(r, 20));
    expect(seen.length).toBeGreaterThan(0);
    expect(released).toBe(true);
    expect(pulled).toBe(pulledAtStop);
  });

  it('RxJS Observables, synchronous and asynchronous', async () => {
    expect(await eagerCollect(from(of(1, 2, 3)).pipe(map((x: number) => x + 1)))).toEqual([2, 3, 4]);
    expect(await eagerCollect(from(interval(1).pipe(rxMap((i) => i * i))).pipe(take(4)))).toEqual([0, 1, 4, 9]);
  });

  it('take stops an Observable that emits synchronously without end', async () => {
    let released = false;
    function* forever() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        released = true;
      }
    }
    expect(await eagerCollect(from(rxFrom(forever())).pipe(take(3)))).toEqual([0, 1, 2]);
    expect(released).toBe(true);
  });

  it('any object with subscribe, and its unsubscribe on teardown', async () => {
    let unsubscribed = false;
    const foreign = {
      subscribe(o: { next(v: unknown): void; complete(): void }) {
        const timer = setInterval(() => o.next('tick'), 1);
        return {
          unsubscribe() {
            unsubscribed = true;
            clearInterval(timer);
          },
        };
      },
    };
    expect(await eagerCollect(from(foreign).pipe(take(2)))).toEqual(['tick', 'tick']);
    expect(unsubscribed).toBe(true);
  });

  it('Arrow tables and record batches: rows become records', async () => {
    const table = tableFromArrays({ id: Int32Array.from([1, 2, 3]), score: Float64Array.from([0.5, 1.5, 2.5]) });
    expect(await eagerCollect(from(table).pipe(map((r: any) => r.id * r.score)))).toEqual([0.5, 3, 7.5]);
    const batches = tableFromIPC(tableToIPC(table)).batches;
    expect(await eagerCollect(from(batches))).toEqual([
      { id: 1, score: 0.5 },
      { id: 2, score: 1.5 },
      { id: 3, score: 2.5 },
    ]);
    expect(await eagerCollect(from(batches[0]).pipe(take(1)))).toEqual([{ id: 1, score: 0.5 }]);
  });

  it("reports an iterable's own error as stage 'source' with the index it was producing", async () => {
    function* flaky() {
      yield 1;
      yield 2;
      throw new Error('disk gone');
    }
    const error = await eagerCollect(from(flaky())).catch((e) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.message).toBe('Stage source failed on source element 2: disk gone');
  });

  it("reports async iterable and Observable errors as stage 'source'", async () => {
    async function* flaky() {
      yield 1;
      throw new Error('socket reset');
    }
    await expect(eagerCollect(from(flaky()))).rejects.toThrow('Stage source failed on source element 1: socket reset');
    const failing = new Observable<number>((s) => {
      s.next(1);
      s.error(new Error('upstream 500'));
    });
    await expect(eagerCollect(from(failing))).rejects.toThrow('Stage source failed on source element 1: upstream 500');
  });
});
