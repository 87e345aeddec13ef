import { from, map, tap } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('tap', () => {
  it('sees every element with its index and passes it on unchanged', async () => {
    const seen: [number, number][] = [];
    const out = await eagerCollect(from([5, 6]).pipe(tap((x: number, i: number) => seen.push([x, i]) as any)));
    expect(out).toEqual([5, 6]);
    expect(seen).toEqual([
      [5, 0],
      [6, 1],
    ]);
  });

  it('reports a throwing side effect with the stage and source element', async () => {
    const flow = from([1, 2]).pipe(
      map((x: number) => x),
      tap((x: number) => {
        if (x === 2) throw new Error('log full');
      }),
    );
    await expect(eagerCollect(flow)).rejects.toThrow('Stage tap#1 failed on source element 1: log full');
  });
});
