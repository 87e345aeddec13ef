import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';

export function describeSliceGather(ctx: SuiteContext): void {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);

  describe('slice', () => {
    it('gather takes a plain JS number as an int32 index', async () => {
      await ctx.expectRun((t) => ops.gather(t, 1), [tensor([10, 20, 30])], 'float32', [], 20);
      await ctx.expectRun((t) => ops.gather(t, 0, 1), [x], 'float32', [2], [1, 4]);
    });

    it('takes begin and size per axis; size -1 runs to the end', async () => {
      await ctx.expectRun((t) => ops.slice(t, [0, 1], [2, 2]), [x], 'float32', [2, 2], [[2, 3], [5, 6]]);
      await ctx.expectRun((t) => ops.slice(t, [1, 0], [-1, -1]), [x], 'float32', [1, 3], [[4, 5, 6]]);
      await ctx.expectRun((t) => ops.slice(t, [0, 2], [2, 1]), [x], 'float32', [2, 1], [[3], [6]]);
      const cube = tensor(Array.from({ length: 24 }, (_, i) => i), 'int32', [2, 3, 4]);
      await ctx.expectRun((t) => ops.slice(t, [1, 1, 1], [1, 2, 2]), [cube], 'int32', [1, 2, 2], [[[17, 18], [21, 22]]]);
    });

    it('keeps the dtype, NaN and Infinity; empty slices and scalars', async () => {
      await ctx.expectRun((t) => ops.slice(t, [1], [2]), [tensor([true, false, true])], 'bool', [2], [false, true]);
      await ctx.expectRun((t) => ops.slice(t, [0], [2]), [tensor([NaN, -Infinity, 1], 'float64')], 'float64', [2], [NaN, -Infinity]);
      await ctx.expectRun((t) => ops.slice(t, [0, 3], [2, 0]), [x], 'float32', [2, 0], []);
      await ctx.expectRun((t) => ops.slice(t, [0, 3], [2, -1]), [x], 'float32', [2, 0], []);
      await ctx.expectRun((t) => ops.slice(t, [], []), [tensor(4, 'uint8')], 'uint8', [], 4);
    });

    it('bad begin and size fail with the exact message', async () => {
      await ctx.expectError((t) => ops.slice(t, [0], [1, 1]), [x], "Argument 'begin' passed to 'slice' has length 1; expected 2 (the rank of x, shape [2,3])");
      await ctx.expectError((t) => ops.slice(t, [0, 0], [1]), [x], "Argument 'size' passed to 'slice' has length 1; expected 2 (the rank of x, shape [2,3])");
      await ctx.expectError((t) => ops.slice(t, [0, 4], [1, 0]), [x], "Argument 'begin' passed to 'slice' is [0,4]; begin[1] is outside [0, 3]");
      await ctx.expectError((t) => ops.slice(t, [-1, 0], [1, 1]), [x], "Argument 'begin' passed to 'slice' is [-1,0]; begin[0] is outside [0, 2]");
      await ctx.expectError((t) => ops.slice(t, [0, 1], [1, 3]), [x], "Argument 'size' passed to 'slice' is [1,3]; begin[1] + size[1] = 4 exceeds dimension 1 of x (3)");
      await ctx.expectError((t) => ops.slice(t, [0, 0], [-2, 1]), [x], "Argument 'size' passed to 'slice' is [-2,1]; sizes must be >= 0 or -1");
    });
  });

  describe('gather', () => {
    it('picks rows, columns, and shapes the result as x[:axis] + indices + x[axis+1:]', async () => {
      const rows = tensor([[1, 2], [3, 4], [5, 6]]);
      await ctx.expectRun((t, i) => ops.gather(t, i), [rows, tensor([2, 0, 2], 'int32')], 'float32', [3, 2], [[5, 6], [1, 2], [5, 6]]);
      await ctx.expectRun((t, i) => ops.gather(t, i, 1), [rows, tensor([1], 'int32')], 'float32', [3, 1], [[2], [4], [6]]);
      await ctx.expectRun((t, i) => ops.gather(t, i, -1), [rows, tensor([[1, 0], [0, 0]], 'uint8')], 'float32', [3, 2, 2],
        [[[2, 1], [1, 1]], [[4, 3], [3, 3]], [[6, 5], [5, 5]]]);
      await ctx.expectRun((t, i) => ops.gather(t, i), [tensor([10, 20, 30], 'int32'), tensor(1, 'int32')], 'int32', [], 20);
    });

    it('keeps the dtype and NaN; empty indices give an empty result', async () => {
      await ctx.expectRun((t, i) => ops.gather(t, i), [tensor([true, false]), tensor([1, 1, 0], 'int32')], 'bool', [3], [false, false, true]);
      await ctx.expectRun((t, i) => ops.gather(t, i), [tensor([NaN, Infinity], 'float64'), tensor([1, 0], 'int32')], 'float64', [2], [Infinity, NaN]);
      await ctx.expectRun((t, i) => ops.gather(t, i), [tensor([[1, 2], [3, 4]]), tensor([], 'int32', [0])], 'float32', [0, 2], []);
    });

    it('an index out of range fails naming gather, indices, the value and the valid range', async () => {
      const t3 = tensor([1, 2, 3]);
      await ctx.expectError((t, i) => ops.gather(t, i), [t3, tensor([0, 3], 'int32')],
        "Argument 'indices' passed to 'gather' contains 3 at flat index 1, out of range for axis 0 of x (size 3); expected an index in [0, 2]");
      await ctx.expectError((t, i) => ops.gather(t, i), [t3, tensor([-1], 'int32')],
        "Argument 'indices' passed to 'gather' contains -1 at flat index 0, out of range for axis 0 of x (size 3); expected an index in [0, 2]");
      await ctx.expectError((t, i) => ops.gather(t, i, 1), [tensor([], 'float32', [2, 0]), tensor([0], 'int32')],
        "Argument 'indices' passed to 'gather' contains 0 at flat index 0, out of range for axis 1 of x (size 0); none is valid, as the axis is empty");
    });

    it('bad dtypes, scalars and axes fail with the exact message', async () => {
      await ctx.expectError((t, i) => ops.gather(t, i), [x, tensor([0])], "Argument 'indices' passed to 'gather' has dtype float32; expected int32 or uint8");
      await ctx.expectError((t, i) => ops.gather(t, i), [tensor(1), tensor([0], 'int32')], "Argument 'x' passed to 'gather' is a scalar; expected rank 1 or more");
      await ctx.expectError((t, i) => ops.gather(t, i, 2), [x, tensor([0], 'int32')], "Argument 'axis' passed to 'gather' is 2; expected an axis in [-2, 1] for a rank-2 tensor");
    });
  });
}
