import { from, map, filter, ops, OpError, PipelineError, tensor, isTensor } from '@weir/dataflow';
import { eagerCollect } from '../eager';

describe('map', () => {
  it('applies f with a per-stage index', async () => {
    const out = await eagerCollect(from([10, 20, 30]).pipe(map((x: number, i: number) => x + i)));
    expect(out).toEqual([10, 21, 32]);
  });

  it('turns a rank-0 tensor result into a number, and a bool one into a boolean', async () => {
    expect(await eagerCollect(from([1, 2]).pipe(map((x: number) => tensor(x * 2))))).toEqual([2, 4]);
    expect(await eagerCollect(from([0, 1]).pipe(map((x: number) => tensor(x === 1))))).toEqual([false, true]);
  });

  it('turns rank-0 tensor fields of a returned record into numbers, leaving other tensors and the original object', async () => {
    const v = tensor([1, 2]);
    const returned = { s: tensor(3, 'int32'), b: tensor(true), v, name: 'a' };
    const [out] = (await eagerCollect(from([0]).pipe(map(() => returned)))) as any[];
    expect(out).toEqual({ s: 3, b: true, v, name: 'a' });
    expect(out.v).toBe(v);
    expect(isTensor(returned.s)).toBe(true);
  });

  it('keeps a rank-1 tensor with one element a tensor', async () => {
    const [out] = await eagerCollect(from([0]).pipe(map(() => tensor([5]))));
    expect(isTensor(out)).toBe(true);
  });

  it('reports a thrown error with the stage, its position and the source element', async () => {
    const flow = from([1, 2, 3, 4]).pipe(
      filter(() => true),
      map((x: number) => {
        if (x === 3) throw new Error('boom');
        return x;
      }),
    );
    const error = await eagerCollect(flow).catch((e) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.message).toBe('Stage map#1 failed on source element 2: boom');
    expect(error.stage).toBe('map#1');
    expect(error.sourceIndex).toBe(2);
    expect(error.op).toBeUndefined();
    expect(error.cause.message).toBe('boom');
  });

  it('names the op when the callback fails inside one', async () => {
    const flow = from([tensor([[1, 2, 3]])]).pipe(map((x: any) => ops.matmul(x, tensor([[1, 2]]))));
    const error = await eagerCollect(flow).catch((e) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error.op).toBe('matmul');
    expect(error.cause).toBeInstanceOf(OpError);
    expect(error.message).toMatch(/^Stage map#0 \(op 'matmul'\) failed on source element 0: /);
  });
});
