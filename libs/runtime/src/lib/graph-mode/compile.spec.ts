import {
  filter, from, keyBy, map, ops, pipeline, reduce, scan, setRunEagerly, take, tensor, Tensor, window,
} from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { collect, compile } from '../../index';

const plain = (xs: unknown[]) => JSON.parse(JSON.stringify(xs, (_, v) => (v instanceof Tensor ? { t: v.toArray() } : v)));

describe('compile: graph mode', () => {
  it('runs map -> filter -> reduce over numbers batch-at-a-time with the eager result', async () => {
    const flow = from(Array.from({ length: 1000 }, (_, i) => i)).pipe(
      map((x: number) => ops.add(ops.mul(x, 2), 1)),
      filter((y: number) => ops.notEqual(ops.mod(y, 3), 0)),
      reduce((acc: number, y: number) => ops.add(acc, y), 0),
    );
    const graph = await compile(flow, { batchSize: 64 }).collect();
    expect(graph).toEqual(await eagerCollect(flow));
    let expected = 0;
    for (let i = 0; i < 1000; i++) if ((2 * i + 1) % 3 !== 0) expected += 2 * i + 1;
    expect(graph).toEqual([expected]);
  });

  it('vectorizes a dense layer over records with tensor fields and passes strings through', async () => {
    const W = tensor([[1, 0], [0, 1], [1, 1]]);
    const b = tensor([0.5, -10]);
    const records = Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, x: tensor([i, -i, 1]) }));
    const flow = from(records).pipe(map((r: { id: string; x: Tensor }) => ({ id: r.id, h: ops.relu(ops.add(ops.matmul(r.x, W), b)), s: ops.sum(r.x) })));
    const plan = compile(flow, { batchSize: 4 });
    const graph = await plan.collect();
    expect(plain(graph)).toEqual(plain(await eagerCollect(flow)));
    expect((graph[3] as { h: Tensor }).h.toArray()).toEqual([4.5, 0]);
    expect(plan.explain()).toContain('stage map#0  [vectorized over the batch]');
    expect(plan.explain()).toContain('matmul(');
  });

  it('turns an untraceable callback into a graph break, listed with its reason, and still computes it', async () => {
    const flow = from([1, 2, 3]).pipe(map((x: number) => x * 10), map((x: number) => ops.add(x, 1)));
    const plan = compile(flow);
    expect(await plan.collect()).toEqual([11, 21, 31]);
    const text = plan.explain();
    expect(text).toContain('stage map#0  [GRAPH BREAK, runs user code per element]');
    expect(text).toContain("Cannot use a traced tensor (the output of op 'input 'x'') as a JS number or boolean");
    expect(text).toContain('stage map#1  [vectorized over the batch]');
    await expect(compile(flow, { fullGraph: true }).collect()).rejects.toThrow('Stage map#0 cannot be compiled into the graph (fullGraph: true)');
  });

  it('keeps keyed state between batches (keyBy -> scan)', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ k: i % 3, v: i }));
    const flow = from(rows).pipe(keyBy((r: { k: number }) => r.k), scan((acc: number, r: { v: number }) => ops.add(acc, r.v), 0));
    const out = await compile(flow, { batchSize: 7 }).collect();
    expect(out).toEqual(await eagerCollect(flow));
    expect(out.slice(0, 6)).toEqual([0, 1, 2, 3, 5, 7]);
  });

  it('runs windows and take in graph mode with eager semantics', async () => {
    const flow = from(Array.from({ length: 20 }, (_, i) => i)).pipe(window({ size: 3 }), take(4));
    expect(await compile(flow, { batchSize: 5 }).collect()).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]);
  });

  it('stops pulling the source after take(n) is satisfied', async () => {
    let pulled = 0;
    function* naturals() {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const out = await compile(from(naturals()).pipe(map((x: number) => ops.mul(x, 2)), take(3)), { batchSize: 10 }).collect();
    expect(out).toEqual([0, 2, 4]);
    expect(pulled).toBeLessThanOrEqual(10);
  });

  it('refuses options for capabilities that are not built yet instead of ignoring them', () => {
    const t = pipeline(map((x: number) => ops.square(x)));
    expect(() => compile(t, { workers: 4 })).toThrow("compile: 'workers: 4' is not supported yet: worker-thread execution is not built");
    expect(() => compile(t, { device: 'gpu' })).toThrow(`compile: 'device: "gpu"' is not supported yet: there is no GPU backend`);
    expect(() => compile(t, { workers: 'auto', device: 'auto' })).not.toThrow();
  });

  it('binds a Transform to an input at run time', async () => {
    const t = pipeline(map((x: number) => ops.square(x)));
    const plan = compile(t);
    expect(await plan.collect([1, 2, 3])).toEqual([1, 4, 9]);
    expect(await plan.collect([4])).toEqual([16]);
    await expect(plan.collect()).rejects.toThrow('this plan was compiled from a pipeline(...) with no source');
  });

  it('names the stage, the op and the source element when a batch fails, found by re-running it eagerly', async () => {
    const table = tensor([10, 20, 30]);
    const flow = from([0, 1, 2, 7, 1]).pipe(map((i: number) => ops.gather(table, ops.cast(i, 'int32'))));
    await expect(compile(flow, { batchSize: 8 }).collect()).rejects.toThrow(/^Stage map#0 \(op 'gather'\) failed on source element 3: /);
  });

  it("skips bad records under errors: 'skip' and sends them with the reason to a dead letter", async () => {
    const table = tensor([10, 20, 30]);
    const flow = from([0, 1, 9, 2, 8]).pipe(map((i: number) => ops.gather(table, ops.cast(i, 'int32'))));
    expect(await compile(flow, { errors: 'skip' }).collect()).toEqual([10, 20, 30]);
    const dead: [unknown, string][] = [];
    const plan = compile(flow, { errors: { deadLetter: (r, e) => dead.push([r, e.message]) } });
    expect(await plan.collect()).toEqual([10, 20, 30]);
    expect(dead.map(([r]) => r)).toEqual([9, 8]);
    expect(dead[0][1]).toMatch(/^Stage map#0 \(op 'gather'\) failed on source element 2: /);
    expect(plan.lastStats?.deadLettered).toBe(2);
  });

  it('runs eagerly while setRunEagerly(true) is on', async () => {
    let calls = 0;
    const flow = from([1, 2]).pipe(map((x: number) => {
      calls++;
      return ops.add(x, 1);
    }));
    setRunEagerly(true);
    try {
      expect(await collect(flow)).toEqual([2, 3]);
      expect(calls).toBe(2); // per element: no trace
    } finally {
      setRunEagerly(false);
    }
    calls = 0;
    expect(await collect(flow)).toEqual([2, 3]);
    expect(calls).toBe(1); // traced once
    calls = 0;
    setRunEagerly(true);
    try {
      expect(await compile(flow).collect()).toEqual([2, 3]);
      expect(calls).toBe(2); // a compiled plan runs eagerly too
    } finally {
      setRunEagerly(false);
    }
  });
});
