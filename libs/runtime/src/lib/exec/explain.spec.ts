import { from, map, filter, ops, tensor, Tensor } from '@weir/dataflow';
import { compile } from '../../index';

describe('Plan.explain', () => {
  const W = tensor([[1, 0], [0, 1], [1, 1]]);
  const flow = from([{ id: 'a', x: tensor([1, 2, 3]) }, { id: 'b', x: tensor([0, 1, 0]) }]).pipe(
    map((r: { id: string; x: Tensor }) => ({ id: r.id, y: ops.relu(ops.matmul(r.x, W)) })),
    filter((r: { y: Tensor }) => ops.greater(ops.sum(r.y), 1)),
    map((r: { id: string }) => ({ tag: `${r.id}!` })),
  );

  it('text: the input schema, each stage with its graph, and the graph breaks with reasons', async () => {
    const plan = compile(flow);
    await plan.collect();
    const text = plan.explain();
    expect(text).toContain('input records: id: string, x: float32[3]');
    // map#0 and filter#1 run as one graph (operator fusion); each keeps its own trace in explain.
    expect(text).toContain('stage map#0  [vectorized over the batch, fused with the next stage]');
    expect(text).toContain('stage filter#1  [vectorized over the batch]');
    expect(text).toContain('stage map#2  [GRAPH BREAK, runs user code per element]');
    expect(text).toMatch(/graph breaks: 1\n  map#2: Cannot use a traced tensor/);
  });

  it('traces ahead of time from an in-memory source, before any run', () => {
    expect(compile(flow).explain()).toContain('matmul(');
  });

  it('dot: one cluster per stage, nodes and edges, breaks in red', async () => {
    const plan = compile(flow);
    await plan.collect();
    const dot = plan.explain('dot');
    expect(dot.startsWith('digraph plan {')).toBe(true);
    expect(dot).toContain('subgraph cluster_0 {');
    expect(dot).toMatch(/s0_n\d+ -> s0_n\d+;/);
    expect(dot).toContain('color=red;');
    expect(dot.trim().endsWith('}')).toBe(true);
  });

  it('json: the stream IR with each stage kind, graph and break reason', async () => {
    const plan = compile(flow);
    await plan.collect();
    const j = JSON.parse(plan.explain('json'));
    expect(j.stages.map((s: { kind: string }) => s.kind)).toEqual(['map', 'filter', 'map']);
    expect(j.stages[0].expr.nodes.some((n: { op: string }) => n.op === 'matmul')).toBe(true);
    expect(j.stages[2].expr).toBeNull();
    expect(j.stages[2].breakReason).toContain('Cannot use a traced tensor');
  });
});
