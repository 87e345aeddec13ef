import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';

export function describeJoinOps(ctx: SuiteContext): void {
  const a = tensor([[1, 2], [3, 4]]);
  const b = tensor([[5, 6]]);

  describe('concat', () => {
    it('joins along an existing axis, negative axes too', async () => {
      await ctx.expectRun((...xs) => ops.concat(xs, 0), [a, b], 'float32', [3, 2], [[1, 2], [3, 4], [5, 6]]);
      await ctx.expectRun((...xs) => ops.concat(xs, 1), [a, tensor([[7], [8]])], 'float32', [2, 3], [[1, 2, 7], [3, 4, 8]]);
      await ctx.expectRun((...xs) => ops.concat(xs, -1), [a, a, a], 'float32', [2, 6], [[1, 2, 1, 2, 1, 2], [3, 4, 3, 4, 3, 4]]);
      await ctx.expectRun((...xs) => ops.concat(xs), [tensor([1, 2], 'int32')], 'int32', [2], [1, 2]);
    });

    it('promotes mixed dtypes; bools stay bool; NaN passes through', async () => {
      await ctx.expectRun((...xs) => ops.concat(xs), [tensor([1], 'int32'), tensor([0.5]), tensor([true])], 'float32', [3], [1, 0.5, 1]);
      await ctx.expectRun((...xs) => ops.concat(xs), [tensor([1], 'uint8'), tensor([300], 'int32')], 'int32', [2], [1, 300]);
      await ctx.expectRun((...xs) => ops.concat(xs), [tensor([true]), tensor([false, true])], 'bool', [3], [true, false, true]);
      await ctx.expectRun((...xs) => ops.concat(xs), [tensor([NaN], 'float64'), tensor([-Infinity])], 'float64', [2], [NaN, -Infinity]);
    });

    it('zero-size inputs contribute nothing; all-empty gives an empty result', async () => {
      await ctx.expectRun((...xs) => ops.concat(xs, 0), [tensor([], 'float32', [0, 2]), a], 'float32', [2, 2], [[1, 2], [3, 4]]);
      await ctx.expectRun((...xs) => ops.concat(xs, 1), [tensor([], 'float32', [0, 2]), tensor([], 'float32', [0, 3])], 'float32', [0, 5], []);
    });

    it('mismatched shapes, scalars and an empty list fail with the exact message', async () => {
      await ctx.expectError((...xs) => ops.concat(xs, 0), [a, tensor([[1, 2, 3]])],
        "Argument 'xs[1]' passed to 'concat' has shape [1,3]; expected the same shape as xs[0] except along the axis, [2,2]");
      await ctx.expectError((...xs) => ops.concat(xs, 0), [a, tensor([1, 2])],
        "Argument 'xs[1]' passed to 'concat' has shape [2]; expected the same shape as xs[0] except along the axis, [2,2]");
      await ctx.expectError((...xs) => ops.concat(xs), [tensor(1), tensor(2)],
        "Argument 'xs[0]' passed to 'concat' is a scalar; concat needs rank 1 or more (use stack)");
      await ctx.expectError((...xs) => ops.concat(xs, 2), [a, a], "Argument 'axis' passed to 'concat' is 2; expected an axis in [-2, 1] for a rank-2 tensor");
      await ctx.expectError(() => ops.concat([]), [], "Argument 'xs' passed to 'concat' is empty; expected at least one tensor");
    });
  });

  describe('stack', () => {
    it('joins along a new axis at any position', async () => {
      const x = tensor([1, 2, 3]);
      const y = tensor([4, 5, 6]);
      await ctx.expectRun((...xs) => ops.stack(xs), [x, y], 'float32', [2, 3], [[1, 2, 3], [4, 5, 6]]);
      await ctx.expectRun((...xs) => ops.stack(xs, 1), [x, y], 'float32', [3, 2], [[1, 4], [2, 5], [3, 6]]);
      await ctx.expectRun((...xs) => ops.stack(xs, -1), [a, a], 'float32', [2, 2, 2], [[[1, 1], [2, 2]], [[3, 3], [4, 4]]]);
      await ctx.expectRun((...xs) => ops.stack(xs, 1), [a, a], 'float32', [2, 2, 2], [[[1, 2], [1, 2]], [[3, 4], [3, 4]]]);
    });

    it('stacks scalars into a vector, promoting dtypes; zero-size inputs', async () => {
      await ctx.expectRun((...xs) => ops.stack(xs), [tensor(1, 'int32'), tensor(true), tensor(2.5, 'float64')], 'float64', [3], [1, 1, 2.5]);
      await ctx.expectRun((...xs) => ops.stack(xs, 1), [tensor([], 'int32', [0]), tensor([], 'int32', [0])], 'int32', [0, 2], []);
    });

    it('mismatched shapes and bad axes fail with the exact message', async () => {
      await ctx.expectError((...xs) => ops.stack(xs), [tensor([1, 2]), tensor([1, 2, 3])],
        "Argument 'xs[1]' passed to 'stack' has shape [3]; expected the same shape as xs[0], [2]");
      await ctx.expectError((...xs) => ops.stack(xs, 3), [a, a], "Argument 'axis' passed to 'stack' is 3; expected an axis in [-3, 2] for a rank-3 tensor");
      await ctx.expectError(() => ops.stack([]), [], "Argument 'xs' passed to 'stack' is empty; expected at least one tensor");
    });
  });
}
