import type { DType } from '../../lib/core/dtype';
import type { Tensor } from '../../lib/core/tensor';
import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';
import { refMatmul } from '../reference';

/** A tensor of small integers that follow a fixed pattern, so products are exact in every dtype. */
function pattern(shape: number[], dtype: DType = 'float32', seed = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => ((i * 7 + seed * 3) % 9) - 4), dtype, shape);
}

async function expectMatchesReference(ctx: SuiteContext, a: Tensor, b: Tensor, dtype: DType): Promise<void> {
  const want = refMatmul(a, b, dtype);
  await ctx.expectRun((x, y) => ops.matmul(x, y), [a, b], dtype, want.shape, Array.from(want.data));
}

export function describeMatmul(ctx: SuiteContext): void {
  describe('matmul', () => {
    it('2-D', async () => {
      await ctx.expectRun((a, b) => ops.matmul(a, b), [tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])], 'float32', [2, 2],
        [[19, 22], [43, 50]]);
      await ctx.expectRun((a, b) => ops.matmul(a, b), [tensor([[1, 2, 3]]), tensor([[1], [2], [3]])], 'float32', [1, 1], [[14]]);
    });

    it('1-D operands are a row (a) or column (b) vector, and that dimension is dropped', async () => {
      const m = tensor([[1, 2, 3], [4, 5, 6]]);
      await ctx.expectRun((a, b) => ops.matmul(a, b), [tensor([1, 1]), m], 'float32', [3], [5, 7, 9]);
      await ctx.expectRun((a, b) => ops.matmul(a, b), [m, tensor([1, 0, 1])], 'float32', [2], [4, 10]);
      await ctx.expectRun((a, b) => ops.matmul(a, b), [tensor([1, 2, 3]), tensor([4, 5, 6])], 'float32', [], 32);
      await expectMatchesReference(ctx, tensor([1, 2]), pattern([3, 2, 4]), 'float32');
      await expectMatchesReference(ctx, pattern([2, 3, 4]), tensor([1, 2, 3, 4]), 'float32');
    });

    it('batched, with leading dimensions broadcast', async () => {
      await expectMatchesReference(ctx, pattern([2, 2, 3]), pattern([3, 2], 'float32', 2), 'float32');
      await expectMatchesReference(ctx, pattern([2, 1, 2, 3]), pattern([3, 3, 2], 'float32', 2), 'float32');
      await expectMatchesReference(ctx, pattern([1, 4, 3]), pattern([5, 3, 2], 'float32', 2), 'float32');
    });

    it('sizes that are not multiples of any block size', async () => {
      await expectMatchesReference(ctx, pattern([37, 70]), pattern([70, 45], 'float32', 2), 'float32');
      await expectMatchesReference(ctx, pattern([3, 1, 129]), pattern([129, 5], 'int32', 2), 'float32');
    });

    it('every accepted dtype, mixed dtypes promote', async () => {
      const a = [[1, 2], [3, 4]];
      const b = [[5, 6], [7, 8]];
      const want = [[19, 22], [43, 50]];
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor(a, 'int32'), tensor(b, 'int32')], 'int32', [2, 2], want);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor(a, 'float64'), tensor(b, 'float64')], 'float64', [2, 2], want);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor(a, 'uint8'), tensor(b, 'uint8')], 'uint8', [2, 2], want);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor(a, 'int32'), tensor(b)], 'float32', [2, 2], want);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor(a, 'uint8'), tensor(b, 'int32')], 'int32', [2, 2], want);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor(a, 'float32'), tensor(b, 'float64')], 'float64', [2, 2], want);
    });

    it('integer results wrap: int32 modulo 2^32, uint8 modulo 256', async () => {
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([[65536, 3]], 'int32'), tensor([[65536], [2]], 'int32')], 'int32', [1, 1], [[6]]);
      const big = Number(BigInt.asIntN(32, 123456789n * 987654321n + 2147483647n));
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([[123456789, 1]], 'int32'), tensor([[987654321], [2147483647]], 'int32')],
        'int32', [1, 1], [[big]]);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([[16, 1]], 'uint8'), tensor([[16], [3]], 'uint8')], 'uint8', [1, 1], [[3]]);
    });

    it('NaN and Infinity propagate (0 * Infinity is NaN)', async () => {
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([[0, 1], [1, 1], [NaN, 0]]), tensor([[Infinity], [1]])], 'float32', [3, 1],
        [[NaN], [Infinity], [NaN]]);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([[Infinity, -Infinity]]), tensor([[1], [1]])], 'float32', [1, 1], [[NaN]]);
    });

    it('zero-size: empty rows or columns, and an empty inner dimension gives zeros', async () => {
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([], 'float32', [0, 3]), pattern([3, 2])], 'float32', [0, 2], []);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [pattern([2, 3]), tensor([], 'float32', [3, 0])], 'float32', [2, 0], []);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([], 'float32', [2, 0]), tensor([], 'float32', [0, 3])], 'float32', [2, 3],
        [[0, 0, 0], [0, 0, 0]]);
      await ctx.expectRun((x, y) => ops.matmul(x, y), [tensor([], 'int32', [0, 2, 2]), pattern([2, 2], 'int32')], 'int32', [0, 2, 2], []);
    });

    it('bad shapes and dtypes fail with the exact message', async () => {
      await ctx.expectError((x, y) => ops.matmul(x, y), [pattern([2, 4]), pattern([3, 4])],
        "Argument 'b' passed to 'matmul' has shape [3,4]; expected [4,*]");
      await ctx.expectError((x, y) => ops.matmul(x, y), [pattern([5, 2, 4]), pattern([5, 3, 4])],
        "Argument 'b' passed to 'matmul' has shape [5,3,4]; expected [*,4,*]");
      await ctx.expectError((x, y) => ops.matmul(x, y), [pattern([3]), pattern([2])],
        "Argument 'b' passed to 'matmul' has shape [2]; expected [3,*]");
      await ctx.expectError((x, y) => ops.matmul(x, y), [pattern([2, 2, 3]), pattern([3, 3, 2])],
        "Argument 'b' passed to 'matmul' has batch shape [3], which does not broadcast with 'a' batch shape [2]");
      await ctx.expectError((x, y) => ops.matmul(x, y), [tensor([[true]]), pattern([1, 1])],
        "Argument 'a' passed to 'matmul' has dtype bool; expected float32 or float64 or int32 or uint8");
      await ctx.expectError((x, y) => ops.matmul(x, y), [pattern([1, 1]), tensor([[false]])],
        "Argument 'b' passed to 'matmul' has dtype bool; expected float32 or float64 or int32 or uint8");
      await ctx.expectError((x) => ops.matmul(x, 2), [pattern([2, 2])], "Argument 'b' passed to 'matmul' is a scalar; expected rank 1 or more");
      await ctx.expectError((x) => ops.matmul(x, x), [tensor(3)], "Argument 'a' passed to 'matmul' is a scalar; expected rank 1 or more");
    });
  });
}
