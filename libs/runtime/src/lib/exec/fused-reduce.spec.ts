// fusedReduce nodes in graph mode: the vectorizer's `reduction` kind rule batches them with no rule of their
// own (their first input has the broadcast rank; the reduced axes shift past the batch dimension), whichever
// path the CPU kernel then takes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fn, from, map, ops, optimizeExpr, spec, tensor, Tensor, traceGraph } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile, loadPlan } from '../../index';
import { evalBatched } from './vectorize';

const stack = (ts: Tensor[]): Tensor => ops.stack(ts, 0);
const values = (t: Tensor): number[] => Array.from(t.data);

/**
 * Traces `f` per element, optimizes it (which must make a fusedReduce node), evaluates it over the stacked
 * rows at once and expects what `f` gives row by row.
 */
function checkVectorizes(f: (...xs: Tensor[]) => Tensor, rows: Tensor[][]): void {
  const first = rows[0];
  const traced = traceGraph(first.map((t, i) => ({ name: `x${i}`, dtype: t.dtype, shape: t.shape })), (v) => v, f as (...a: unknown[]) => unknown);
  const g = optimizeExpr(traced).graph;
  expect(g.nodes.map((n) => n.op)).toContain('fusedReduce');
  const batched = first.map((_, i) => ({ t: stack(rows.map((r) => r[i])), batched: true }));
  const o = g.output;
  if (o.kind !== 'node') throw new Error('test functions return one tensor');
  const got = evalBatched(g, batched, rows.length)[o.id]!;
  const want = stack(rows.map((r) => f(...r)));
  expect(got.batched).toBe(true);
  expect([got.t.dtype, got.t.shape]).toEqual([want.dtype, want.shape]);
  expect(values(got.t)).toEqual(values(want));
}

const rows = (n: number, make: (i: number) => Tensor[]): Tensor[][] => Array.from({ length: n }, (_, i) => make(i));
const ramp = (i: number, size: number, shape: number[]): Tensor =>
  tensor(Float32Array.from({ length: size }, (_, j) => ((i * 7 + j * 3) % 11) - 5), 'float32', shape);

describe('fusedReduce in graph mode', () => {
  const b = tensor([0.5, -1, 2, 0, -3, 1, 1.5, -0.5]);

  it('vectorizes a fold over the trailing axis (the generated loop) and over a leading one (the fallback)', () => {
    const r = rows(5, (i) => [ramp(i, 32, [4, 8])]);
    checkVectorizes((x) => ops.sum(ops.relu(ops.add(ops.mul(x, 2), b)), -1), r);
    checkVectorizes((x) => ops.max(ops.sub(x, b), 0), r);
    checkVectorizes((x) => ops.min(ops.mul(x, x), [0, 1], true), r);
  });

  it('vectorizes a per-element full reduction: one fold per row', () => {
    checkVectorizes((x) => {
      const y = ops.add(ops.mul(x, 2), 1);
      return ops.sum(ops.where(ops.notEqual(ops.mod(y, 3), 0), y, 0));
    }, rows(6, (i) => [ramp(i, 10, [10])]));
  });

  it('vectorizes when a constant of higher rank is the first input: the batched one lifts in front of it', () => {
    const W = tensor(Array.from({ length: 3 }, (_, k) => Array.from({ length: 8 }, (_, j) => (k * 8 + j) % 5)));
    checkVectorizes((x) => ops.sum(ops.mul(x, W), 1), rows(4, (i) => [ramp(i, 8, [8])]));
    checkVectorizes((x, y) => ops.max(ops.add(ops.mul(x, W), y), -1, true), rows(4, (i) => [ramp(i, 8, [8]), ramp(i + 1, 3, [3, 1])]));
  });

  it('computes the eager result in a compiled pipeline, shows the fold in explain, and saves and loads', async () => {
    const records = Array.from({ length: 30 }, (_, i) => ({ id: `r${i}`, x: ramp(i, 16, [2, 8]) }));
    const flow = from(records).pipe(map((r: { id: string; x: Tensor }) => ({ id: r.id, s: ops.sum(ops.relu(ops.add(ops.mul(r.x, 2), b)), -1) })));
    const plan = compile(flow, { batchSize: 8 });
    const got = await plan.collect();
    const want = await eagerCollect(flow);
    const plain = (xs: unknown[]) => xs.map((x) => ({ ...(x as object), s: values((x as { s: Tensor }).s) }));
    expect(plain(got)).toEqual(plain(want));
    expect(plan.explain()).toContain('fusedReduce(');
    const path = join(mkdtempSync(join(tmpdir(), 'weir-fused-reduce-')), 'plan.weir');
    await plan.save(path);
    const loaded = await loadPlan(path);
    expect(plain(await loaded.collect(records))).toEqual(plain(want));
  });

  it('runs the masked sum over a batch of unknown size (fn with a [null] signature) as one node', () => {
    const masked = (x: Tensor): Tensor => {
      const y = ops.add(ops.mul(x, 2), 1);
      return ops.sum(ops.where(ops.notEqual(ops.mod(y, 3), 0), y, 0));
    };
    const f = fn(masked, { inputSignature: [spec([null], 'float64')] });
    for (const n of [1, 7, 1000]) {
      const x = tensor(Float64Array.from({ length: n }, (_, i) => i - 3), 'float64');
      expect(values(f(x))).toEqual(values(masked(x)));
    }
    expect(f.traceCount).toBe(1);
    expect(f.explain()).toMatch(/fusedReduce\(%0, sum\(v\d+ = .*, axis=\[0\]\)\) : float64\[\]/);
  });
});
