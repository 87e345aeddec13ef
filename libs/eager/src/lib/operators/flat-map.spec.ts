import { flatMap, from, map, take, tensor } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('flatMap', () => {
  it('flattens arrays, iterables and array-likes in order', async () => {
    expect(await eagerCollect(from([1, 2]).pipe(flatMap((x: number) => [x, -x])))).toEqual([1, -1, 2, -2]);
    function* upTo(n: number) {
      for (let i = 0; i < n; i++) yield i;
    }
    expect(await eagerCollect(from([1, 3]).pipe(flatMap((n: number) => upTo(n))))).toEqual([0, 0, 1, 2]);
    expect(await eagerCollect(from([2]).pipe(flatMap((n: number) => new Int32Array(n).fill(7))))).toEqual([7, 7]);
    expect(await eagerCollect(from([1, 2]).pipe(flatMap(() => [])))).toEqual([]);
  });

  it('turns rank-0 tensors among the outputs into numbers', async () => {
    expect(await eagerCollect(from([1]).pipe(flatMap((x: number) => [tensor(x), { y: tensor(2) }])))).toEqual([1, { y: 2 }]);
  });

  it('gives every output the source index of its input, so later errors name it', async () => {
    const flow = from([5, 6, 7]).pipe(
      flatMap((x: number) => [x, x]),
      map((x: number) => {
        if (x === 7) throw new Error('seven');
        return x;
      }),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage map#1 failed on source element 2: seven');
  });

  it('stops expanding, and releases the inner generator, when take is satisfied mid-way', async () => {
    let released = false;
    function* many() {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        released = true;
      }
    }
    expect(await eagerCollect(from([0]).pipe(flatMap(() => many()), take(3)))).toEqual([0, 1, 2]);
    expect(released).toBe(true);
  });

  it('rejects a result that is not iterable, naming the stage', async () => {
    const flow = from([1]).pipe(flatMap(() => 42 as any));
    await expect(eagerCollect(flow)).rejects.toThrow('Stage flatMap#0 failed on source element 0: the callback returned number');
    await expect(eagerCollect(from([1]).pipe(flatMap(() => 'ab' as any)))).rejects.toThrow('returned a string');
  });
});
