import { from, map, ops, reduce, tensor, Tensor, traceGraph } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile } from '../../index';
import { findFold } from './reduce-stage';

describe('reduce: batched folds', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) - 500);

  it.each([
    ['sum', (a: number, x: number) => ops.add(a, x), 0],
    ['sum of a term', (a: number, x: number) => ops.add(ops.mul(x, x), a), 0],
    ['max', (a: number, x: number) => ops.maximum(a, x), -Infinity],
    ['min', (a: number, x: number) => ops.minimum(a, ops.abs(x)), Infinity],
  ])('%s gives the eager result across batches', async (_name, f, seed) => {
    const flow = from(xs).pipe(reduce(f, seed));
    expect(await compile(flow, { batchSize: 64 }).collect()).toEqual(await eagerCollect(flow));
  });

  it('folds tensor accumulators', async () => {
    const flow = from(xs.slice(0, 100)).pipe(
      map((x: number) => ({ v: ops.mul(tensor([1, 2, 3]), x) })),
      reduce((acc: Tensor, r: { v: Tensor }) => ops.add(acc, r.v), ops.zeros([3])),
    );
    const [g] = (await compile(flow, { batchSize: 16 }).collect()) as Tensor[];
    const [e] = (await eagerCollect(flow)) as Tensor[];
    expect(g.toArray()).toEqual(e.toArray());
  });

  it('still folds batch by batch with every optimizer pass on (fusion must not hide the fold)', async () => {
    const plan = compile(from([{ x: tensor([1, 2]) }]).pipe(map((r: { x: Tensor }) => ({ s: ops.sum(r.x) })), reduce((a: number, r: { s: number }) => ops.add(a, r.s), 0)));
    expect(await plan.collect()).toEqual([3]);
    expect(plan.explain()).toContain('stage reduce#1  [folded batch by batch with sum]');
  });

  it('emits the seed for an empty input', async () => {
    expect(await compile(from([] as number[]).pipe(reduce((a: number, x: number) => ops.add(a, x), 7))).collect()).toEqual([7]);
  });

  it('recognizes only acc ⊕ f(x) with acc used once', () => {
    const spec = (name: string) => ({ name, dtype: 'float64' as const, shape: [], weak: true });
    const g1 = traceGraph([spec('acc.x'), spec('x')], (v) => v as [unknown, unknown], (a, x) => ops.add(a as Tensor, ops.mul(x as Tensor, 2)));
    expect(findFold(g1, 1)).toMatchObject({ op: 'add', reduce: 'sum' });
    const g2 = traceGraph([spec('acc.x'), spec('x')], (v) => v as [unknown, unknown], (a, x) => ops.add(a as Tensor, ops.mul(x as Tensor, a as Tensor)));
    expect(findFold(g2, 1)).toBeNull();
    const g3 = traceGraph([spec('acc.x'), spec('x')], (v) => v as [unknown, unknown], (a, x) => ops.sub(a as Tensor, x as Tensor));
    expect(findFold(g3, 1)).toBeNull();
  });

  it('still reports the failing element by its source index', async () => {
    const table = tensor([1, 2, 3]);
    const flow = from([0, 1, 2, 5, 0]).pipe(reduce((a: number, i: number) => ops.add(a, ops.gather(table, ops.cast(i, 'int32'))), 0));
    await expect(compile(flow).collect()).rejects.toThrow(/^Stage reduce#0 \(op 'gather'\) failed on source element 3/);
  });
});
