import { filter, from, map, PipelineError, tensor } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('filter', () => {
  it('keeps elements whose predicate is truthy, with a per-stage index', async () => {
    expect(await eagerCollect(from([1, 2, 3, 4]).pipe(filter((x: number) => x % 2 === 0)))).toEqual([2, 4]);
    expect(await eagerCollect(from(['a', 'b', 'c']).pipe(filter((_x: string, i: number) => i !== 1)))).toEqual(['a', 'c']);
    expect(await eagerCollect(from([0, 1, 2]).pipe(filter((x: number) => x)))).toEqual([1, 2]);
  });

  it('reads a bool or number tensor with one element by its value', async () => {
    expect(await eagerCollect(from([1, 2, 3]).pipe(filter((x: number) => tensor(x > 1))))).toEqual([2, 3]);
    expect(await eagerCollect(from([0, 5, 0]).pipe(filter((x: number) => tensor([[x]], 'int32'))))).toEqual([5]);
  });

  it('rejects a tensor with more than one element, naming the stage', async () => {
    const flow = from([1, 2]).pipe(map((x: number) => x), filter(() => tensor([true, false])));
    const error = await eagerCollect(flow).catch((e) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.stage).toBe('filter#1');
    expect(error.message).toContain('Stage filter#1 failed on source element 0: the predicate returned a bool tensor of shape [2]');
  });
});
