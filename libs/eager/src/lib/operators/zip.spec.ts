import { interval, Subject } from 'rxjs';
import { filter, from, keyBy, map, scan, take, zip } from '@weir/dataflow';
import { eager, eagerCollect, eagerIterate } from '../eager';

describe('zip', () => {
  it('pairs elements in order until the shorter side ends', async () => {
    expect(await eagerCollect(from([1, 2, 3]).pipe(zip(from(['a', 'b']))))).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(await eagerCollect(from([1]).pipe(zip(from(['a', 'b']))))).toEqual([[1, 'a']]);
  });

  it('evaluates the other flow with its own operators', async () => {
    const evens = from([1, 2, 3, 4, 5, 6]).pipe(filter((x: number) => x % 2 === 0), map((x: number) => x * 10));
    expect(await eagerCollect(from(['x', 'y', 'z']).pipe(zip(evens)))).toEqual([
      ['x', 20],
      ['y', 40],
      ['z', 60],
    ]);
  });

  it('stops the other source when this side ends', async () => {
    let released = false;
    function* forever() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        released = true;
      }
    }
    expect(await eagerCollect(from([7, 8]).pipe(zip(from(forever()))))).toEqual([
      [7, 0],
      [8, 1],
    ]);
    expect(released).toBe(true);
  });

  it('pairs async iterables', async () => {
    async function* letters() {
      yield 'p';
      yield 'q';
    }
    expect(await eagerCollect(from(letters()).pipe(zip(from([1, 2, 3]))))).toEqual([
      ['p', 1],
      ['q', 2],
    ]);
  });

  it('names a failing stage of the other flow under the zip', async () => {
    const other = from([1, 2]).pipe(
      map((x: number) => {
        if (x === 2) throw new Error('other broke');
        return x;
      }),
    );
    const error = await eagerCollect(from([1, 2, 3]).pipe(map((x: number) => x), zip(other))).catch((e) => e);
    expect(error.stage).toBe('zip#1/map#0');
    expect(error.message).toBe('Stage zip#1/map#0 failed on source element 1: other broke');
  });

  it('ends keying: a scan after it is global', async () => {
    const flow = from([1, 2, 3]).pipe(keyBy((x: number) => x), zip(from([1, 1, 1])), scan((n: number) => n + 1, 0), take(3));
    expect(await eagerCollect(flow)).toEqual([1, 2, 3]);
  });

  it('rejects an other flow without a source', async () => {
    const unbound = { source: null, operators: [] };
    await expect(eagerCollect(from([1]).pipe(zip(unbound)))).rejects.toThrow('Stage zip#0 needs a Flow with a source');
  });
});

describe('zip pacing', () => {
  it('pulls an infinite generator only as fast as an Observable side delivers', () => {
    const counter = { pulled: 0, released: false };
    function* naturals() {
      try {
        for (let i = 0; ; i++) {
          counter.pulled++;
          yield i;
        }
      } finally {
        counter.released = true;
      }
    }
    const events = new Subject<string>();
    const out: unknown[] = [];
    let done = false;
    eager(from(events).pipe(zip(from(naturals())))).subscribe({ next: (v) => out.push(v), complete: () => (done = true) });
    expect(counter.pulled).toBe(1);
    events.next('a');
    events.next('b');
    expect(out).toEqual([
      ['a', 0],
      ['b', 1],
    ]);
    expect(counter.pulled).toBe(3);
    events.complete();
    expect(done).toBe(true);
    expect(counter.released).toBe(true);
  });

  it('keeps the other side bounded in eagerIterate too', async () => {
    const counter = { pulled: 0 };
    function* naturals() {
      for (let i = 0; ; i++) {
        counter.pulled++;
        yield i;
      }
    }
    const out: unknown[] = [];
    for await (const pair of eagerIterate(from(interval(1)).pipe(zip(from(naturals())), take(3)))) out.push(pair);
    expect(out).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(counter.pulled).toBeLessThanOrEqual(4);
  });
});
