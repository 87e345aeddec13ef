import { from, skip, take } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('skip', () => {
  it('drops the first n elements', async () => {
    expect(await eagerCollect(from([1, 2, 3]).pipe(skip(2)))).toEqual([3]);
    expect(await eagerCollect(from([1, 2, 3]).pipe(skip(0)))).toEqual([1, 2, 3]);
    expect(await eagerCollect(from([1, 2]).pipe(skip(5)))).toEqual([]);
  });

  it('composes with take as a slice', async () => {
    expect(await eagerCollect(from([1, 2, 3, 4, 5]).pipe(skip(1), take(2)))).toEqual([2, 3]);
  });
});
