import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';
import { refReduce } from '../reference';

const X = [[1, 2, 3], [4, 5, 6]];
const INF = Infinity;

export function describeReductions(ctx: SuiteContext): void {
  describe('reductions', () => {
    it('sum over all, one, negative and several axes, with keepDims', async () => {
      const x = tensor(X);
      await ctx.expectRun((t) => ops.sum(t), [x], 'float32', [], 21);
      await ctx.expectRun((t) => ops.sum(t, 0), [x], 'float32', [3], [5, 7, 9]);
      await ctx.expectRun((t) => ops.sum(t, 1), [x], 'float32', [2], [6, 15]);
      await ctx.expectRun((t) => ops.sum(t, -1), [x], 'float32', [2], [6, 15]);
      await ctx.expectRun((t) => ops.sum(t, [0, 1]), [x], 'float32', [], 21);
      await ctx.expectRun((t) => ops.sum(t, [1, 0]), [x], 'float32', [], 21);
      await ctx.expectRun((t) => ops.sum(t, null, true), [x], 'float32', [1, 1], [[21]]);
      await ctx.expectRun((t) => ops.sum(t, 1, true), [x], 'float32', [2, 1], [[6], [15]]);
      await ctx.expectRun((t) => ops.sum(t, []), [x], 'float32', [2, 3], X);
    });

    it('mean, max and min over each axis', async () => {
      const x = tensor([[1, 9, 3], [7, 2, 8]]);
      await ctx.expectRun((t) => ops.mean(t), [x], 'float32', [], 5);
      await ctx.expectRun((t) => ops.mean(t, 0), [x], 'float32', [3], [4, 5.5, 5.5]);
      await ctx.expectRun((t) => ops.max(t, 1), [x], 'float32', [2], [9, 8]);
      await ctx.expectRun((t) => ops.min(t, 0, true), [x], 'float32', [1, 3], [[1, 2, 3]]);
      await ctx.expectRun((t) => ops.max(t), [x], 'float32', [], 9);
    });

    it('non-adjacent axes of a rank-4 tensor match the reference', async () => {
      const values = Array.from({ length: 2 * 3 * 4 * 2 }, (_, i) => ((i * 7) % 11) - 5);
      const x = tensor(values, 'float32', [2, 3, 4, 2]);
      for (const [op, axes, keep] of [['sum', [0, 2], false], ['max', [1, 3], true], ['min', [0, 3], false], ['mean', [0, 1, 3], true]] as const) {
        const want = refReduce(x, [...axes], keep, op, 'float32');
        await ctx.expectRun((t) => ops[op](t, [...axes], keep), [x], 'float32', want.shape, Array.from(want.data));
      }
    });

    it('result dtypes: sum of integers and bools is int32, mean is float32 (float64 kept), max/min keep the dtype', async () => {
      await ctx.expectRun((t) => ops.sum(t), [tensor([200, 100], 'uint8')], 'int32', [], 300);
      await ctx.expectRun((t) => ops.sum(t), [tensor([true, true, false])], 'int32', [], 2);
      await ctx.expectRun((t) => ops.sum(t, 0), [tensor([[1, 2], [3, 4]], 'int32')], 'int32', [2], [4, 6]);
      await ctx.expectRun((t) => ops.sum(t), [tensor([0.1, 0.2], 'float64')], 'float64', [], 0.1 + 0.2);
      await ctx.expectRun((t) => ops.mean(t), [tensor([1, 2], 'int32')], 'float32', [], 1.5);
      await ctx.expectRun((t) => ops.mean(t), [tensor([true, false, false, false])], 'float32', [], 0.25);
      await ctx.expectRun((t) => ops.mean(t), [tensor([1, 2], 'float64')], 'float64', [], 1.5);
      await ctx.expectRun((t) => ops.max(t), [tensor([3, 250, 7], 'uint8')], 'uint8', [], 250);
      await ctx.expectRun((t) => ops.min(t), [tensor([-3, 2], 'int32')], 'int32', [], -3);
      await ctx.expectRun((t) => ops.max(t), [tensor([false, true])], 'bool', [], true);
      await ctx.expectRun((t) => ops.min(t, 0), [tensor([[true, true], [false, true]])], 'bool', [2], [false, true]);
      await ctx.expectRun((t) => ops.max(t), [tensor([1, 2], 'float64')], 'float64', [], 2);
    });

    it('int32 sums wrap modulo 2^32', async () => {
      await ctx.expectRun((t) => ops.sum(t), [tensor([2147483647, 1], 'int32')], 'int32', [], -2147483648);
    });

    it('NaN propagates through sum, mean, max and min; Infinity behaves as in IEEE arithmetic', async () => {
      const x = tensor([[1, NaN, 3], [4, 5, 6]]);
      await ctx.expectRun((t) => ops.sum(t, 1), [x], 'float32', [2], [NaN, 15]);
      await ctx.expectRun((t) => ops.mean(t, 1), [x], 'float32', [2], [NaN, 5]);
      await ctx.expectRun((t) => ops.max(t, 1), [x], 'float32', [2], [NaN, 6]);
      await ctx.expectRun((t) => ops.min(t, 1), [x], 'float32', [2], [NaN, 4]);
      await ctx.expectRun((t) => ops.max(t, 0), [tensor([[NaN, 1], [2, NaN]])], 'float32', [2], [NaN, NaN]);
      await ctx.expectRun((t) => ops.sum(t), [tensor([INF, -INF])], 'float32', [], NaN);
      await ctx.expectRun((t) => ops.sum(t), [tensor([INF, 1])], 'float32', [], INF);
      await ctx.expectRun((t) => ops.max(t), [tensor([-INF, 1, INF])], 'float32', [], INF);
      await ctx.expectRun((t) => ops.min(t), [tensor([-INF, 1, INF])], 'float32', [], -INF);
    });

    it('empty axes: sum 0, mean NaN, max -Infinity, min Infinity; integers get their extreme values', async () => {
      const e = tensor([], 'float32', [2, 0]);
      await ctx.expectRun((t) => ops.sum(t, 1), [e], 'float32', [2], [0, 0]);
      await ctx.expectRun((t) => ops.mean(t, 1), [e], 'float32', [2], [NaN, NaN]);
      await ctx.expectRun((t) => ops.max(t, 1), [e], 'float32', [2], [-INF, -INF]);
      await ctx.expectRun((t) => ops.min(t, 1, true), [e], 'float32', [2, 1], [[INF], [INF]]);
      await ctx.expectRun((t) => ops.sum(t, 0), [e], 'float32', [0], []);
      await ctx.expectRun((t) => ops.sum(t), [tensor([], 'int32', [0])], 'int32', [], 0);
      await ctx.expectRun((t) => ops.max(t), [tensor([], 'int32', [0])], 'int32', [], -2147483648);
      await ctx.expectRun((t) => ops.min(t), [tensor([], 'int32', [0])], 'int32', [], 2147483647);
      await ctx.expectRun((t) => ops.min(t), [tensor([], 'uint8', [0])], 'uint8', [], 255);
    });

    it('scalars reduce to themselves', async () => {
      await ctx.expectRun((t) => ops.sum(t), [tensor(5)], 'float32', [], 5);
      await ctx.expectRun((t) => ops.mean(t, null, true), [tensor(5, 'int32')], 'float32', [], 5);
      await ctx.expectRun((t) => ops.argmax(t), [tensor(5)], 'int32', [], 0);
    });

    it('argmax and argmin: per axis or flattened, int32, first index on ties', async () => {
      const x = tensor([[1, 9, 3], [7, 2, 9]]);
      await ctx.expectRun((t) => ops.argmax(t, 0), [x], 'int32', [3], [1, 0, 1]);
      await ctx.expectRun((t) => ops.argmax(t, 1), [x], 'int32', [2], [1, 2]);
      await ctx.expectRun((t) => ops.argmax(t, -1), [x], 'int32', [2], [1, 2]);
      await ctx.expectRun((t) => ops.argmax(t), [x], 'int32', [], 1);
      await ctx.expectRun((t) => ops.argmin(t, 1), [x], 'int32', [2], [0, 1]);
      await ctx.expectRun((t) => ops.argmin(t), [x], 'int32', [], 0);
      await ctx.expectRun((t) => ops.argmax(t), [tensor([2, 5, 5, 1], 'uint8')], 'int32', [], 1);
      await ctx.expectRun((t) => ops.argmin(t), [tensor([false, true, false])], 'int32', [], 0);
      await ctx.expectRun((t) => ops.argmax(t, 0), [tensor([[1, 2]], 'float64')], 'int32', [2], [0, 0]);
    });

    it('argmax and argmin return the first NaN; Infinity wins or loses as a number', async () => {
      await ctx.expectRun((t) => ops.argmax(t), [tensor([1, NaN, 3, NaN])], 'int32', [], 1);
      await ctx.expectRun((t) => ops.argmin(t), [tensor([1, -INF, NaN])], 'int32', [], 2);
      await ctx.expectRun((t) => ops.argmax(t), [tensor([-INF, 1, INF])], 'int32', [], 2);
      await ctx.expectRun((t) => ops.argmin(t, 1), [tensor([[3, -INF], [NaN, 1]])], 'int32', [2], [1, 0]);
    });

    it('argmax of a zero-size tensor along a non-empty axis gives an empty result', async () => {
      await ctx.expectRun((t) => ops.argmax(t, 1), [tensor([], 'float32', [0, 3])], 'int32', [0], []);
    });

    it('bad axes fail with the exact message', async () => {
      const x = tensor(X);
      await ctx.expectError((t) => ops.sum(t, 2), [x], "Argument 'axis' passed to 'sum' is 2; expected an axis in [-2, 1] for a rank-2 tensor");
      await ctx.expectError((t) => ops.mean(t, -3), [x], "Argument 'axis' passed to 'mean' is -3; expected an axis in [-2, 1] for a rank-2 tensor");
      await ctx.expectError((t) => ops.max(t, [0, -2]), [x], "Argument 'axis' passed to 'max' is [0,-2]; axes must not repeat");
      await ctx.expectError((t) => ops.min(t, 0.5), [x], "Argument 'axis' passed to 'min' is 0.5; expected an integer");
      await ctx.expectError((t) => ops.argmax(t, [0] as unknown as number), [x], "Argument 'axis' passed to 'argmax' must be a single axis or omitted");
      await ctx.expectError((t) => ops.argmin(t, 0), [tensor([], 'float32', [0, 3])],
        "Argument 'x' passed to 'argmin' has an empty axis; argmax/argmin need at least one element");
      await ctx.expectError((t) => ops.argmax(t), [tensor([], 'float32', [0])],
        "Argument 'x' passed to 'argmax' has an empty axis; argmax/argmin need at least one element");
    });
  });
}
