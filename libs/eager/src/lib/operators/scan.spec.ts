import { from, isTensor, keyBy, map, scan, tensor, type Tensor } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('scan', () => {
  it('emits each running accumulator', async () => {
    expect(await eagerCollect(from([1, 2, 3]).pipe(scan((acc: number, x: number) => acc + x, 0)))).toEqual([1, 3, 6]);
  });

  it('passes no key when unkeyed', async () => {
    const argCounts: number[] = [];
    await eagerCollect(from([1]).pipe(scan((...args: unknown[]) => (argCounts.push(args.length), 0), 0)));
    expect(argCounts).toEqual([2]);
  });

  it('keeps state per key after keyBy, passing the key as third argument', async () => {
    const keys: unknown[] = [];
    const flow = from([
      { k: 'a', v: 1 },
      { k: 'b', v: 10 },
      { k: 'a', v: 2 },
      { k: 'b', v: 20 },
    ]).pipe(
      keyBy((r: any) => r.k),
      scan((acc: number, r: any, key?: unknown) => (keys.push(key), acc + r.v), 0),
    );
    expect(await eagerCollect(flow)).toEqual([1, 10, 3, 30]);
    expect(keys).toEqual(['a', 'b', 'a', 'b']);
  });

  it('normalizes the accumulator like an element: a rank-0 tensor (the seed too) comes back as a number', async () => {
    const accWasNumber: boolean[] = [];
    const flow = from([1, 2, 3]).pipe(
      scan((acc: number, x: number) => {
        accWasNumber.push(typeof acc === 'number');
        return tensor(acc + x);
      }, tensor(0)),
    );
    expect(await eagerCollect(flow)).toEqual([1, 3, 6]);
    expect(accWasNumber).toEqual([true, true, true]);
  });

  it('keeps tensor accumulators of rank 1 or more as tensors', async () => {
    const seen: boolean[] = [];
    const flow = from([1, 2]).pipe(
      scan((acc: Tensor, x: number) => {
        seen.push(isTensor(acc));
        return acc.add(x);
      }, tensor([0, 0])),
    );
    expect(((await eagerCollect(flow)) as Tensor[]).map((t) => t.toArray())).toEqual([[1, 1], [3, 3]]);
    expect(seen).toEqual([true, true]);
  });

  it('starts over on every run (state is per subscription)', async () => {
    const flow = from([1, 2]).pipe(scan((acc: number, x: number) => acc + x, 0));
    expect(await eagerCollect(flow)).toEqual([1, 3]);
    expect(await eagerCollect(flow)).toEqual([1, 3]);
  });

  it('reports a callback error with the stage and source element', async () => {
    const flow = from([1, 2, 3]).pipe(
      map((x: number) => x),
      scan((acc: number, x: number) => {
        if (x === 2) throw new Error('bad acc');
        return acc + x;
      }, 0),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage scan#1 failed on source element 1: bad acc');
  });
});
