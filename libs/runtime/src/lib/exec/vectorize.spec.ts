import { ops, setPrintSink, tensor, Tensor, traceGraph } from '@weir/dataflow';
import '../../index'; // registers the CPU kernels
import { evalBatched } from './vectorize';

const stack = (ts: Tensor[]): Tensor => ops.stack(ts, 0);

/**
 * Each batching rule against the definition of vectorization: evaluating the per-element graph over a batch
 * must equal running the function on each row and stacking the results.
 */
function checkVectorizes(
  f: (...xs: Tensor[]) => Tensor,
  perRowInputs: Tensor[][], // one array of inputs per row
) {
  const first = perRowInputs[0];
  const g = traceGraph(first.map((t, i) => ({ name: `x${i}`, dtype: t.dtype, shape: t.shape })), (v) => v, f as (...a: unknown[]) => unknown);
  const rows = perRowInputs.length;
  const batched = first.map((_, i) => ({ t: stack(perRowInputs.map((r) => r[i])), batched: true }));
  const values = evalBatched(g, batched, rows);
  const o = g.output;
  if (o.kind !== 'node') throw new Error('test functions return one tensor');
  const got = values[o.id]!;
  const expected = stack(perRowInputs.map((r) => f(...r)));
  const actual = got.batched ? got.t : stack(new Array(rows).fill(got.t));
  expect(actual.dtype).toBe(expected.dtype);
  expect(actual.shape).toEqual(expected.shape);
  expect(Array.from(actual.data)).toEqual(Array.from(expected.data));
}

const rows3 = (make: (i: number) => Tensor[]) => [0, 1, 2].map(make);
const W = tensor([[1, 2], [3, 4], [5, 6]]);

describe('evalBatched: batching rules', () => {
  it('elementwise: lifts a batched scalar against an unbatched vector', () => {
    const c = tensor([1, 10, 100]);
    checkVectorizes((x) => ops.mul(x, c), rows3((i) => [tensor(i + 1)]));
  });

  it('elementwise: batched operands of different ranks broadcast per element', () => {
    checkVectorizes((a, b) => ops.add(a, b), rows3((i) => [tensor([[i], [2 * i]]), tensor([1, 2, 3])]));
    checkVectorizes((c, a, b) => ops.where(c, a, b), rows3((i) => [tensor(i % 2 === 0, 'bool'), tensor([i, i]), tensor(-1)]));
  });

  it('reductions: axes shift past the batch dimension; keepDims; argmax over the flattened element', () => {
    const m = (i: number) => [tensor([[i, 5, 1], [2, 2 * i, 0]])];
    checkVectorizes((x) => ops.sum(x, 1), rows3(m));
    checkVectorizes((x) => ops.max(x, [0, 1], true), rows3(m));
    checkVectorizes((x) => ops.mean(x), rows3(m));
    checkVectorizes((x) => ops.argmax(x), rows3(m));
    checkVectorizes((x) => ops.argmin(x, 0), rows3(m));
  });

  it('matmul: 1-D and 2-D per-element operands, batched on either side or both', () => {
    checkVectorizes((x) => ops.matmul(x, W), rows3((i) => [tensor([i, 1, -i])]));
    checkVectorizes((x) => ops.matmul(x, W), rows3((i) => [tensor([[i, 1, -i], [1, 1, 1]])]));
    checkVectorizes((b) => ops.matmul(W, b), rows3((i) => [tensor([i, 2])]));
    checkVectorizes((b) => ops.matmul(W, b), rows3((i) => [tensor([[i, 0], [1, i]])]));
    checkVectorizes((a, b) => ops.matmul(a, b), rows3((i) => [tensor([[i, 1]]), tensor([[1], [i]])]));
    checkVectorizes((a, b) => ops.matmul(a, b), rows3((i) => [tensor([i, 1]), tensor([3, i])]));
  });

  it('layout ops: transpose, concat with a constant, stack, slice, softmax, views', () => {
    const m = (i: number) => [tensor([[i, 1, 2], [3, 4, i]])];
    checkVectorizes((x) => ops.transpose(x), rows3(m));
    checkVectorizes((x) => ops.concat([x, tensor([[9, 9, 9]])], 0), rows3(m));
    checkVectorizes((x) => ops.stack([x, x], 1), rows3(m));
    checkVectorizes((x) => ops.slice(x, [0, 1], [2, -1]), rows3(m));
    checkVectorizes((x) => ops.softmax(x), rows3(m));
    checkVectorizes((x) => ops.reshape(x, [3, -1]), rows3(m));
    checkVectorizes((x) => ops.squeeze(ops.expandDims(x, 0), 0), rows3(m));
  });

  it('gather: a batched table with constant indices, and batched indices (per-row fallback)', () => {
    checkVectorizes((x) => ops.gather(x, tensor([2, 0], 'int32'), 1), rows3((i) => [tensor([[i, 1, 2], [3, 4, i]])]));
    const table = tensor([10, 20, 30]);
    checkVectorizes((idx) => ops.gather(table, idx), rows3((i) => [tensor([i, 2 - i], 'int32')]));
  });

  it('prints once per row, as eager mode does', () => {
    const lines: string[] = [];
    const prev = setPrintSink((l) => lines.push(l));
    try {
      const g = traceGraph([{ name: 'x', dtype: 'float32', shape: [] }], (v) => v as [unknown], (x: unknown) => {
        ops.print('x', x as Tensor);
        return x;
      });
      evalBatched(g, [{ t: tensor([1, 2]), batched: true }], 2);
      expect(lines).toEqual(['x Tensor(float32, [], 1)', 'x Tensor(float32, [], 2)']);
    } finally {
      setPrintSink(prev);
    }
  });
});
