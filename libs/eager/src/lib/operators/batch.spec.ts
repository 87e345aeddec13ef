import { batch, from, keyBy, map, scan } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('batch', () => {
  it('groups into arrays of n, with a shorter last one', async () => {
    expect(await eagerCollect(from([1, 2, 3, 4, 5]).pipe(batch(2)))).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('emits no empty batch when the input divides evenly or is empty', async () => {
    expect(await eagerCollect(from([1, 2, 3, 4]).pipe(batch(2)))).toEqual([[1, 2], [3, 4]]);
    expect(await eagerCollect(from([]).pipe(batch(3)))).toEqual([]);
  });

  it('gives a batch the source index of its last element', async () => {
    const flow = from([1, 2, 3, 4, 5]).pipe(
      batch(2),
      map((b: number[]) => {
        if (b.includes(4)) throw new Error('has four');
        return b;
      }),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage map#1 failed on source element 3: has four');
  });

  it('ends keying: a scan after a batch is global', async () => {
    const flow = from([1, 2, 3, 4]).pipe(
      keyBy((x: number) => x % 2),
      batch(2),
      scan((n: number) => n + 1, 0),
    );
    expect(await eagerCollect(flow)).toEqual([1, 2]);
  });
});
