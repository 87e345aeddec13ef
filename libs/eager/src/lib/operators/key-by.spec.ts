import { filter, from, keyBy, map, reduce, scan, tensor } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('keyBy', () => {
  it('leaves elements unchanged', async () => {
    expect(await eagerCollect(from([1, 2]).pipe(keyBy((x: number) => x % 2)))).toEqual([1, 2]);
  });

  it('carries the key through map and filter to a later scan, isolating state per key', async () => {
    const flow = from([
      { user: 'u1', amount: 5 },
      { user: 'u2', amount: 7 },
      { user: 'u1', amount: -1 },
      { user: 'u1', amount: 3 },
      { user: 'u2', amount: 1 },
    ]).pipe(
      keyBy((r: any) => r.user),
      map((r: any) => r.amount),
      filter((a: number) => a > 0),
      scan((acc: number, a: number, key?: unknown) => acc + a + (key === 'u2' ? 100 : 0), 0),
    );
    expect(await eagerCollect(flow)).toEqual([5, 107, 8, 208]);
  });

  it('compares keys by SameValueZero, and scalar tensor keys by value', async () => {
    const count = reduce((n: number) => n + 1, 0);
    expect(await eagerCollect(from([NaN, 0, NaN, -0]).pipe(keyBy((x: number) => x), count))).toEqual([2, 2]);
    expect(await eagerCollect(from([1, 2, 1]).pipe(keyBy((x: number) => tensor(x)), count))).toEqual([2, 1]);
  });

  it('reports a throwing key function with the stage and source element', async () => {
    const flow = from([{ a: 1 }, null]).pipe(keyBy((r: any) => r.a));
    await expect(eagerCollect(flow)).rejects.toThrow(/^Stage keyBy#0 failed on source element 1: /);
  });
});
