// matmulReduce nodes in graph mode: the vectorizer's own rule (vectorize.ts) runs x·W with its epilogue as one
// kernel call over the batch, and any other layout as the matmul rule then the reduction rule.
import { from, map, ops, optimizeExpr, reduce, tensor, Tensor, traceGraph } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile } from '../../index';
import { evalBatched } from './vectorize';

const stack = (ts: Tensor[]): Tensor => ops.stack(ts, 0);

/** Seeded float32 values in [-1, 1) with a few NaN, ±Infinity and -0. */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const u = s / 2 ** 31;
    return u < 0.001 ? NaN : u < 0.002 ? -Infinity : u < 0.003 ? -0 : u * 2 - 1;
  });
}

/**
 * Seeded float32 values in [-1, 1), none special: for weights. A NaN in W reaches every row's sum, and
 * NaN sums compare equal however they were computed (the dense tests below once passed that way).
 */
function plain(n: number, seed: number): Float32Array {
  return values(n, seed).map((v) => (Number.isFinite(v) ? v : 0.5));
}

/** The per-record values as numbers, and a check that they are not all the same (not all NaN, say). */
const numbers = (xs: readonly unknown[]): number[] => xs.map((x) => (x instanceof Tensor ? Number(x.data[0]) : Number(x)));
const distinct = (xs: readonly number[]): number => new Set(xs.filter((v) => !Number.isNaN(v))).size;

function checkVectorizes(f: (...xs: Tensor[]) => Tensor, rows: Tensor[][]): void {
  const first = rows[0];
  const traced = traceGraph(first.map((t, i) => ({ name: `x${i}`, dtype: t.dtype, shape: t.shape })), (v) => v, f as (...a: unknown[]) => unknown);
  const g = optimizeExpr(traced).graph;
  expect(g.nodes.map((n) => n.op)).toContain('matmulReduce');
  const batched = first.map((_, i) => ({ t: stack(rows.map((r) => r[i])), batched: true }));
  const o = g.output;
  if (o.kind !== 'node') throw new Error('test functions return one tensor');
  const got = evalBatched(g, batched, rows.length)[o.id]!;
  const want = stack(rows.map((r) => f(...r)));
  expect([got.batched, got.t.dtype, got.t.shape]).toEqual([true, want.dtype, want.shape]);
  expect(Array.from(got.t.data)).toEqual(Array.from(want.data));
}

describe('matmulReduce in graph mode', () => {
  const W = tensor(values(32 * 12, 1), 'float32', [32, 12]);
  const b = tensor(values(12, 2), 'float32', [12]);

  it('vectorizes x·W with its epilogue as one call, for 1-D and 2-D rows, with keepDims', () => {
    checkVectorizes((x) => ops.sum(ops.relu(ops.add(ops.matmul(x, W), b)), -1), Array.from({ length: 9 }, (_, i) => [tensor(values(32, 10 + i), 'float32', [32])]));
    checkVectorizes((x) => ops.sum(ops.add(ops.matmul(x, W), b), -1, true), Array.from({ length: 5 }, (_, i) => [tensor(values(3 * 32, 30 + i), 'float32', [3, 32])]));
  });

  it('vectorizes the other layouts through the matmul and reduction rules: a batched W, a batched bias, another axis', () => {
    const rows = Array.from({ length: 4 }, (_, i) => [tensor(values(3 * 32, 50 + i), 'float32', [3, 32]), tensor(values(12, 60 + i), 'float32', [12])]);
    checkVectorizes((x, bias) => ops.sum(ops.relu(ops.add(ops.matmul(x, W), bias)), -1), rows);
    checkVectorizes((x) => ops.max(ops.matmul(x, W), 0), rows);
    checkVectorizes((x, bias) => ops.sum(ops.matmul(W, ops.reshape(bias, [12, 1])), [0, 1]), rows.map(([x, bias]) => [x, bias]));
    const ws = Array.from({ length: 4 }, (_, i) => [tensor(values(32, 70 + i), 'float32', [32]), tensor(values(32 * 12, 80 + i), 'float32', [32, 12])]);
    checkVectorizes((x, w) => ops.sum(ops.relu(ops.matmul(x, w)), -1), ws);
  });

  it('gives the dense pipeline the bits eager gives, with the pass on and off', async () => {
    const d = 64;
    const h = 16;
    const Wd = tensor(plain(d * h, 3), 'float32', [d, h]);
    const bd = tensor(plain(h, 4), 'float32', [h]);
    const x = values(1000 * d, 5); // specials in the rows: a few records' sums are NaN, the rest are not
    const records = Array.from({ length: 1000 }, (_, i) => ({ x: tensor(x.subarray(i * d, (i + 1) * d), 'float32', [d]) }));
    const pipe = () => from(records).pipe(
      map((r: { x: Tensor }) => ops.sum(ops.relu(ops.add(ops.matmul(r.x, Wd), bd)), -1)),
      reduce((acc: Tensor, y: Tensor) => ops.add(acc, y), tensor(0, 'float64')),
    );
    const eager = await eagerCollect(pipe());
    expect(numbers(eager).every(Number.isFinite)).toBe(false); // the specials in x reach the total...
    const on = compile(pipe(), { batchSize: 128 });
    expect(on.explain()).toContain('matmulReduce(');
    expect(await on.collect()).toEqual(eager);
    expect(await compile(pipe(), { batchSize: 128, passes: { matmulReduce: false } }).collect()).toEqual(eager);
    const perRecord = await compile(from(records).pipe(map((r: { x: Tensor }) => ops.sum(ops.relu(ops.add(ops.matmul(r.x, Wd), bd)), -1))), { batchSize: 100 }).collect();
    expect(distinct(numbers(perRecord))).toBeGreaterThan(500); // ...but most records' sums are distinct numbers
    expect(perRecord).toEqual(await eagerCollect(from(records).pipe(map((r: { x: Tensor }) => ops.sum(ops.relu(ops.add(ops.matmul(r.x, Wd), bd)), -1)))));
    // The total without the records that carry a special: a finite number, the same both ways.
    const finite = records.filter((r) => r.x.data.every(Number.isFinite));
    const total = async (graph: boolean) => {
      const flow = from(finite).pipe(map((r: { x: Tensor }) => ops.sum(ops.relu(ops.add(ops.matmul(r.x, Wd), bd)), -1)), reduce((acc: Tensor, y: Tensor) => ops.add(acc, y), tensor(0, 'float64')));
      return numbers(graph ? await compile(flow, { batchSize: 128 }).collect() : await eagerCollect(flow));
    };
    const [g, e] = [await total(true), await total(false)];
    expect(Number.isFinite(g[0])).toBe(true);
    expect(g).toEqual(e);
  });

  it('builds the next batch of an array while the threaded kernel runs, to the bits of a generator source (not read ahead)', async () => {
    // [512, 256]·[256, 64] a batch: 8M multiply-adds, split across threads (gemm_threads.ts), which take
    // the read-ahead (source.ts ReadAhead, caller-work.ts in kernels-cpu).
    const [d, h, n] = [256, 64, 2600];
    const Wd = tensor(plain(d * h, 6), 'float32', [d, h]);
    const bd = tensor(plain(h, 7), 'float32', [h]);
    const x = values(n * d, 8);
    const records = Array.from({ length: n }, (_, i) => ({ x: tensor(x.subarray(i * d, (i + 1) * d), 'float32', [d]), i }));
    const dense = map((r: { x: Tensor; i: number }) => ({ i: r.i, y: ops.sum(ops.relu(ops.add(ops.matmul(r.x, Wd), bd)), -1) }));
    const fromArray = (await compile(from(records).pipe(dense), { batchSize: 512 }).collect()) as { i: number; y: Tensor | number }[];
    const fromGenerator = (await compile(from((function* () {
      yield* records;
    })()).pipe(dense), { batchSize: 512 }).collect()) as { i: number; y: Tensor | number }[];
    expect(fromArray.map((r) => r.i)).toEqual(records.map((r) => r.i));
    const ys = (rs: { y: Tensor | number }[]): number[] => numbers(rs.map((r) => r.y));
    expect(distinct(ys(fromArray))).toBeGreaterThan(1000); // distinct numbers, not NaN throughout
    expect(ys(fromArray)).toEqual(ys(fromGenerator));
    const eager = (await eagerCollect(from(records.slice(0, 600)).pipe(dense))) as { y: Tensor }[];
    expect(ys(fromArray.slice(0, 600))).toEqual(ys(eager));
  });
});
