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

  it('gives the callback its own (tensor) result back, and emits it as a number', async () => {
    const accWasTensor: boolean[] = [];
    const flow = from([1, 2, 3]).pipe(
      scan((acc: Tensor, x: number) => {
        accWasTensor.push(isTensor(acc));
        return tensor((acc.item() as number) + x);
      }, tensor(0)),
    );
    expect(await eagerCollect(flow)).toEqual([1, 3, 6]);
    expect(accWasTensor).toEqual([true, true, true]);
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
