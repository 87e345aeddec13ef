import { from, keyBy, map, reduce, tensor } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('reduce', () => {
  it('emits the final accumulator when the input ends', async () => {
    expect(await eagerCollect(from([1, 2, 3]).pipe(reduce((acc: number, x: number) => acc + x, 0)))).toEqual([6]);
  });

  it('emits the seed on an empty unkeyed input', async () => {
    expect(await eagerCollect(from([]).pipe(reduce((acc: number) => acc + 1, 42)))).toEqual([42]);
  });

  it('turns a scalar tensor accumulator into a number', async () => {
    const flow = from([1, 2]).pipe(reduce((acc: number, x: number) => tensor(acc + x), tensor(0)));
    expect(await eagerCollect(flow)).toEqual([3]);
  });

  it('emits one accumulator per key, in order of first appearance, with the key as third argument', async () => {
    const flow = from(['b', 'a', 'b', 'c', 'a', 'b']).pipe(
      keyBy((s: string) => s),
      reduce((acc: string, x: string, key?: unknown) => `${acc}${x}${String(key).toUpperCase()}`, ''),
    );
    expect(await eagerCollect(flow)).toEqual(['bBbBbB', 'aAaA', 'cC']);
  });

  it('emits nothing for a keyed empty input (there are no keys)', async () => {
    expect(await eagerCollect(from([]).pipe(keyBy(() => 1), reduce((a: number) => a, 0)))).toEqual([]);
  });

  it('reports an error with the source element being folded in', async () => {
    const flow = from([1, 2, 3]).pipe(
      map((x: number) => x),
      reduce((acc: number, x: number) => {
        if (x === 3) throw new Error('overflow');
        return acc + x;
      }, 0),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage reduce#1 failed on source element 2: overflow');
  });

  it('gives a keyed result the source index of the last element of its key', async () => {
    const flow = from([1, 2, 3, 4]).pipe(
      keyBy((x: number) => x % 2),
      reduce((acc: number, x: number) => acc + x, 0),
      map((sum: number) => {
        if (sum === 4) throw new Error('odd sum');
        return sum;
      }),
    );
    // The odd key's last element is source element 2 (the value 3).
    await expect(eagerCollect(flow)).rejects.toThrow('Stage map#2 failed on source element 2: odd sum');
  });
});
