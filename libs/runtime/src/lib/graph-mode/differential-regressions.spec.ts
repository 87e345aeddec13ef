// Minimal reproductions of the eager/graph disagreements the differential properties found (shrunk by
// fast-check, then by hand), kept as tests that the two modes now agree. Each failed before its fix.
import { fn, from, map, ops, reduce, scan, spec, take, tensor } from '@weir/dataflow';
import type { Flow, Tensor } from '@weir/dataflow';
import { flowDisagreement, fnDisagreement, graphRunner, passesOff } from '../../testing/differential';

describe.each([
  ['passes off', graphRunner({ passes: passesOff() }, 'graph')],
  ['all passes', graphRunner({}, 'graph+passes')],
])('eager/graph regressions (%s)', (_label, graph) => {
  const agree = async (flow: Flow<unknown>, batchSize = 8) => expect(await flowDisagreement(graph, () => ({ flow }), { batchSize })).toBeNull();

  describe('vectorize.ts batching rules', () => {
    it('matmul of a per-record vector with a per-record rank-3 tensor', async () => {
      const rows = [0, 1].map(() => ({ v: tensor([1, 2]), m: tensor([[[1], [1]], [[2], [2]], [[3], [3]]]) }));
      await agree(from(rows).pipe(map((r: { v: Tensor; m: Tensor }) => ({ y: ops.matmul(r.v, r.m) }))));
    });

    it('softmax of a per-element scalar', async () => {
      await agree(from([1, 2]).pipe(map((x: number) => ops.softmax(x))));
    });
  });

  describe('weak typing of record fields: a JS number is a double, typed the same eagerly and traced', () => {
    it('an integral number field meeting an int32 tensor', async () => {
      await agree(from([{ n: 3 }]).pipe(map((r: { n: number }) => ops.add(r.n, tensor([1, 2], 'int32')))));
    });

    it('a number field meeting uint8 (no wrap in one mode only)', async () => {
      await agree(from([{ n: 100 }]).pipe(map((r: { n: number }) => ops.add(tensor([200], 'uint8'), r.n))));
    });

    it('a negative number field compared with uint8', async () => {
      await agree(from([{ n: -1 }]).pipe(map((r: { n: number }) => ops.greater(tensor([0], 'uint8'), r.n))));
    });

    it('a boolean field is weak in both modes', async () => {
      await agree(from([{ b: true, n: 0.1 }]).pipe(map((r: { b: boolean; n: number }) => ops.add(ops.add(r.b, r.n), tensor([1], 'float32')))));
    });

    it('a scan accumulator built from uint8 maxima', async () => {
      await agree(from([200, 100].map((v) => tensor([v], 'uint8'))).pipe(scan((acc: number, x: Tensor) => ops.add(acc, ops.max(x)), 0)));
    });
  });

  describe('rank-0 tensors at stage boundaries (normalize.ts)', () => {
    it('take passes a rank-0 tensor through unchanged', async () => {
      await agree(from([tensor(1), tensor(2)]).pipe(take(1)));
    });

    it('a map passes a rank-0 field on as a number', async () => {
      await agree(
        from([{ a: tensor(2, 'int32') }]).pipe(
          map((r: { a: Tensor }) => ({ ...r })),
          map((r: { a: Tensor }) => ops.add(r.a, tensor([1], 'int32'))),
        ),
      );
    });

    it('an unkeyed reduce over nothing emits its rank-0 seed as a number', async () => {
      await agree(from([] as number[]).pipe(reduce((acc: number, x: number) => ops.add(acc, x), ops.zeros([], 'float32'))));
    });
  });

  describe('scan/reduce', () => {
    it('an accumulator that changes type after the first step runs per element (a graph break)', async () => {
      await agree(from([tensor([1, 2]), tensor([3, 4])]).pipe(scan((acc: Tensor | number, x: Tensor) => ops.add(acc, x), 0)));
    });

    it('the batched fold of uint8 tensors wraps as sequential uint8 adds do', async () => {
      await agree(from([tensor([200], 'uint8'), tensor([100], 'uint8')]).pipe(reduce((acc: Tensor, x: Tensor) => ops.add(acc, x), ops.zeros([1], 'uint8'))));
    });
  });
});

describe('fn regressions', () => {
  const runner = { name: 'fn', compileFn: (f: (...a: any[]) => Tensor) => fn(f) as (...a: unknown[]) => unknown };

  it('NaN and Infinity get their own traces (plain arguments are keyed by value)', async () => {
    expect(await fnDisagreement(runner, (x: Tensor, k: number) => ops.mul(x, k), [[tensor([1]), Infinity], [tensor([1]), NaN]])).toBeNull();
  });

  it('0 and -0 get their own traces', async () => {
    expect(await fnDisagreement(runner, (x: Tensor, k: number) => ops.div(x, k), [[tensor([1]), -0], [tensor([1]), 0]])).toBeNull();
  });

  it('squeeze() with no axis on unknown dimensions asks for the axes instead of guessing the rank', () => {
    const f = fn((x: Tensor) => ops.neg(ops.mean(ops.squeeze(x), null, true)), { inputSignature: [spec([null, null], 'float32')] });
    expect(() => f(tensor([[1, 2, 3]]))).toThrow("Argument 'axis' passed to 'squeeze' is omitted, but x has unknown dimensions [?,?]; name the axes to squeeze");
    const g = fn((x: Tensor) => ops.neg(ops.mean(ops.squeeze(x, 0), null, true)), { inputSignature: [spec([null, null], 'float32')] });
    expect(g(tensor([[1, 2, 3]])).shape).toEqual([1]);
  });
});
