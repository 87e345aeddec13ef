import { from, keyBy, map, window } from '@weir/dataflow';
import { eagerCollect } from '../eager';

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('count windows', () => {
  it('tumbling: emits full windows and a final non-empty partial one', async () => {
    expect(await eagerCollect(from(upTo(5)).pipe(window({ size: 2 })))).toEqual([[1, 2], [3, 4], [5]]);
    expect(await eagerCollect(from(upTo(4)).pipe(window({ size: 2 })))).toEqual([[1, 2], [3, 4]]);
    expect(await eagerCollect(from([]).pipe(window({ size: 2 })))).toEqual([]);
    expect(await eagerCollect(from(upTo(1)).pipe(window({ size: 3, slide: 3 })))).toEqual([[1]]);
  });

  it('sliding: emits every full window, then the oldest open one only if it holds an element no window held', async () => {
    expect(await eagerCollect(from(upTo(5)).pipe(window({ size: 3, slide: 1 })))).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
    ]);
    expect(await eagerCollect(from(upTo(6)).pipe(window({ size: 3, slide: 2 })))).toEqual([
      [1, 2, 3],
      [3, 4, 5],
      [5, 6],
    ]);
    expect(await eagerCollect(from(upTo(5)).pipe(window({ size: 3, slide: 2 })))).toEqual([
      [1, 2, 3],
      [3, 4, 5],
    ]);
    expect(await eagerCollect(from(upTo(2)).pipe(window({ size: 3, slide: 1 })))).toEqual([[1, 2]]);
  });

  it('hopping (slide > size): elements between windows belong to none', async () => {
    expect(await eagerCollect(from(upTo(7)).pipe(window({ size: 2, slide: 3 })))).toEqual([[1, 2], [4, 5], [7]]);
    expect(await eagerCollect(from(upTo(6)).pipe(window({ size: 2, slide: 3 })))).toEqual([[1, 2], [4, 5]]);
  });

  it('keyed: counts per key, partial windows in order of first key appearance', async () => {
    const flow = from(['a1', 'b1', 'a2', 'a3', 'b2', 'c1', 'a4', 'b3']).pipe(
      keyBy((s: string) => s[0]),
      window({ size: 2 }),
    );
    expect(await eagerCollect(flow)).toEqual([['a1', 'a2'], ['b1', 'b2'], ['a3', 'a4'], ['b3'], ['c1']]);
  });

  it('gives a window the source index of its last element', async () => {
    const flow = from(upTo(6)).pipe(
      window({ size: 3, slide: 1 }),
      map((w: number[]) => {
        if (w[0] === 2) throw new Error('second window');
        return w;
      }),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage map#1 failed on source element 3: second window');
  });
});
