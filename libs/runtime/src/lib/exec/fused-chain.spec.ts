import { filter, from, map, ops, pipeline, reduce, tensor, Tensor } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, loadPlan } from '../../index';

const plain = (xs: unknown[]) => JSON.parse(JSON.stringify(xs, (_, v) => (v instanceof Tensor ? { t: v.toArray() } : v)));
const on = {};
const off = { passes: { operatorFusion: false } };

describe('operator fusion (stream pass operatorFusion)', () => {
  const f = (r: { x: Tensor; id: string }) => ({ id: r.id, y: ops.add(ops.mul(r.x, 2), 1), s: ops.sum(r.x) });
  const g = (r: { y: Tensor; s: number; id: string }) => ({ id: r.id, z: ops.relu(ops.sub(r.y, r.s)), n: ops.neg(r.s) });
  const p = (r: { n: number }) => ops.less(r.n, -2);
  const rows = Array.from({ length: 23 }, (_, i) => ({ id: `r${i}`, x: tensor([i % 5, -i % 3, 1]) }));

  it('law: map(f) then map(g) == map(g ∘ f), fused, unfused and eager', async () => {
    const chained = from(rows).pipe(map(f), map(g));
    const composed = from(rows).pipe(map((r: { x: Tensor; id: string }) => g(f(r) as any)));
    const eager = plain(await eagerCollect(chained));
    expect(plain(await compile(chained, { batchSize: 4, ...on }).collect())).toEqual(eager);
    expect(plain(await compile(chained, { batchSize: 4, ...off }).collect())).toEqual(eager);
    expect(plain(await compile(composed, { batchSize: 4 }).collect())).toEqual(eager);
  });

  it('runs map, map, filter as one graph and gives the eager result', async () => {
    const flow = from(rows).pipe(map(f), map(g), filter(p));
    const plan = compile(flow, { batchSize: 8 });
    expect(plain(await plan.collect())).toEqual(plain(await eagerCollect(flow)));
    const text = plan.explain();
    expect(text).toContain('stage map#0  [vectorized over the batch, fused with the next stage]');
    expect(text).toContain('stage map#1  [vectorized over the batch, fused with the next stage]');
    expect(text).toContain('stage filter#2  [vectorized over the batch]');
    expect(compile(flow, off).explain()).not.toContain('fused with the next stage');
  });

  it('names the stage and the source element of an error inside a fused chain', async () => {
    const table = tensor([10, 20, 30]);
    const flow = from([0, 1, 2, 5, 1]).pipe(map((i: number) => ops.add(i, 0)), map((i: number) => ops.gather(table, ops.cast(i, 'int32'))));
    await expect(compile(flow).collect()).rejects.toThrow(/^Stage map#1 \(op 'gather'\) failed on source element 3: /);
  });

  it('falls back to separate stages when one of them is a graph break', async () => {
    const flow = from([1, 2, 3]).pipe(map((x: number) => x * 10), map((x: number) => ops.add(x, 1)));
    const plan = compile(flow);
    expect(await plan.collect()).toEqual([11, 21, 31]);
    expect(plan.explain()).toContain('stage map#0  [GRAPH BREAK, runs user code per element]');
  });

  it('saves and loads a plan that ran fused: each stage keeps its own graph', async () => {
    const t = pipeline(map(f), map(g), filter(p));
    const plan = compile(t);
    const expected = plain(await plan.collect(rows));
    const path = join(mkdtempSync(join(tmpdir(), 'weir-fused-')), 'chain.weir');
    await plan.save(path);
    expect(plain(await (await loadPlan(path)).collect(rows))).toEqual(expected);
  });
});

describe('filter pushdown (stream pass filterPushdown)', () => {
  const table = tensor([1, 2, 3]);
  // Rows with t <= 0 carry an index the map's gather cannot read: only a filter run first avoids them.
  const rows = Array.from({ length: 20 }, (_, i) => ({ t: i % 4 === 0 ? -1 : i, i: i % 4 === 0 ? 99 : i % 3, name: `r${i}` }));
  const chain = pipeline(
    map((r: { t: number; i: number; name: string }) => ({ t: r.t, name: r.name, y: ops.gather(table, ops.cast(r.i, 'int32')) })),
    filter((r: { t: number }) => ops.greater(r.t, 0)),
  );

  it('runs a filter that reads only passed-through fields before the maps, on the rows it keeps', async () => {
    const plan = compile(chain, { batchSize: 8 });
    const out = plain(await plan.collect(rows));
    expect(out).toEqual(plain(rows.filter((r) => r.t > 0).map((r) => ({ t: r.t, name: r.name, y: [1, 2, 3][r.i] }))));
    expect(plan.explain()).toContain('stage filter#1  [vectorized over the batch, run before the maps in front of it]');
  });

  it('is switched off by name: the maps then see every row (and here fail on one the filter would drop)', async () => {
    await expect(compile(chain, { batchSize: 8, passes: { filterPushdown: false } }).collect(rows)).rejects.toThrow(/^Stage map#0 \(op 'gather'\) failed on source element 0: /);
  });

  it('is a pass of its own: with operatorFusion off the filter still runs first, and the maps as their own stages', async () => {
    const plan = compile(chain, { batchSize: 8, passes: { operatorFusion: false } });
    expect(plain(await plan.collect(rows))).toEqual(plain(rows.filter((r) => r.t > 0).map((r) => ({ t: r.t, name: r.name, y: [1, 2, 3][r.i] }))));
    const text = plan.explain();
    expect(text).toContain('stage filter#1  [vectorized over the batch, run before the maps in front of it]');
    expect(text).not.toContain('fused with the next stage');
  });

  it('runs the filter first in a chain folded into a reduce too', async () => {
    const folded = pipeline(
      map((r: { t: number; i: number }) => ({ t: r.t, y: ops.gather(table, ops.cast(r.i, 'int32')) })),
      filter((r: { t: number }) => ops.greater(r.t, 0)),
      reduce((a: number, r: { y: number }) => ops.add(a, r.y), 0),
    );
    const want = rows.filter((r) => r.t > 0).reduce((a, r) => a + [1, 2, 3][r.i], 0);
    const plan = compile(folded, { batchSize: 8 });
    expect(await plan.collect(rows)).toEqual([want]);
    expect(plan.explain()).toContain('run before the maps in front of it');
    await expect(compile(folded, { batchSize: 8, passes: { filterPushdown: false } }).collect(rows)).rejects.toThrow(/^Stage map#0 \(op 'gather'\) failed on source element 0: /);
  });

  it('leaves the order alone when the filter reads a field a map writes', async () => {
    const t = pipeline(map((r: { t: number }) => ({ t: ops.neg(r.t) })), filter((r: { t: number }) => ops.greater(r.t, 0)));
    const input = [{ t: 1 }, { t: -2 }, { t: 3 }];
    const plan = compile(t);
    expect(await plan.collect(input)).toEqual([{ t: 2 }]);
    expect(plan.explain()).not.toContain('run before the maps');
  });
});
