import { filter, from, map, take } from '@weir/dataflow';
import { eager, eagerCollect } from '../eager';

describe('take', () => {
  it('ends an infinite generator after n elements and releases it', async () => {
    let pulled = 0;
    let released = false;
    function* naturals() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield i;
        }
      } finally {
        released = true;
      }
    }
    expect(await eagerCollect(from(naturals()).pipe(take(3)))).toEqual([0, 1, 2]);
    expect(released).toBe(true);
    expect(pulled).toBe(3);
  });

  it('completes at once for take(0), pulling nothing', async () => {
    let pulled = 0;
    const source = {
      *[Symbol.iterator]() {
        pulled++;
        yield 1;
      },
    };
    expect(await eagerCollect(from(source).pipe(take(0)))).toEqual([]);
    expect(pulled).toBe(0);
  });

  it('counts what reaches it, after a filter', async () => {
    expect(await eagerCollect(from([1, 2, 3, 4, 5, 6]).pipe(filter((x: number) => x % 2 === 0), take(2)))).toEqual([2, 4]);
  });

  it('stops calling upstream callbacks once satisfied', async () => {
    const mapped: number[] = [];
    await eagerCollect(from([1, 2, 3, 4]).pipe(map((x: number) => (mapped.push(x), x)), take(2)));
    expect(mapped).toEqual([1, 2]);
  });

  it('completes synchronously for a synchronous source', () => {
    const values: unknown[] = [];
    let completed = false;
    eager(from([1, 2, 3]).pipe(take(2))).subscribe({ next: (v) => values.push(v), complete: () => (completed = true) });
    expect(values).toEqual([1, 2]);
    expect(completed).toBe(true);
  });
});
