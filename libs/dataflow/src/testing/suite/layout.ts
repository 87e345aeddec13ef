import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';
import { refTranspose } from '../reference';

export function describeLayoutOps(ctx: SuiteContext): void {
  const x23 = tensor([[1, 2, 3], [4, 5, 6]]);

  describe('transpose', () => {
    it('reverses the axes by default; follows perm, negative entries included', async () => {
      await ctx.expectRun((t) => ops.transpose(t), [x23], 'float32', [3, 2], [[1, 4], [2, 5], [3, 6]]);
      const x = tensor(Array.from({ length: 24 }, (_, i) => i), 'int32', [2, 3, 4]);
      for (const perm of [[1, 0, 2], [2, 0, 1], [0, 2, 1], [0, 1, 2], [-1, 0, 1]]) {
        const want = refTranspose(x, perm.map((p) => (p < 0 ? p + 3 : p)));
        await ctx.expectRun((t) => ops.transpose(t, perm), [x], 'int32', want.shape, Array.from(want.data));
      }
    });

    it('keeps the dtype and NaN; scalars and zero-size tensors', async () => {
      await ctx.expectRun((t) => ops.transpose(t), [tensor([[true, false]])], 'bool', [2, 1], [[true], [false]]);
      await ctx.expectRun((t) => ops.transpose(t), [tensor([[NaN, Infinity]], 'float64')], 'float64', [2, 1], [[NaN], [Infinity]]);
      await ctx.expectRun((t) => ops.transpose(t), [tensor(7, 'uint8')], 'uint8', [], 7);
      await ctx.expectRun((t) => ops.transpose(t, [1, 0, 2]), [tensor([], 'float32', [0, 2, 3])], 'float32', [2, 0, 3], []);
    });

    it('rejects a bad perm with the exact message', async () => {
      await ctx.expectError((t) => ops.transpose(t, [0, 0]), [x23], "Argument 'perm' passed to 'transpose' is [0,0]; expected a permutation of 0..1");
      await ctx.expectError((t) => ops.transpose(t, [0]), [x23], "Argument 'perm' passed to 'transpose' is [0]; expected a permutation of 0..1");
      await ctx.expectError((t) => ops.transpose(t, [0, 2]), [x23], "Argument 'perm' passed to 'transpose' is [0,2]; expected a permutation of 0..1");
    });
  });

  describe('reshape, expandDims, squeeze', () => {
    it('reshape keeps the row-major order; one -1 is inferred', async () => {
      await ctx.expectRun((t) => ops.reshape(t, [3, 2]), [x23], 'float32', [3, 2], [[1, 2], [3, 4], [5, 6]]);
      await ctx.expectRun((t) => ops.reshape(t, [-1]), [x23], 'float32', [6], [1, 2, 3, 4, 5, 6]);
      await ctx.expectRun((t) => ops.reshape(t, [1, -1, 2]), [tensor([1, 2, 3, 4], 'int32')], 'int32', [1, 2, 2], [[[1, 2], [3, 4]]]);
      await ctx.expectRun((t) => ops.reshape(t, []), [tensor([true])], 'bool', [], true);
      await ctx.expectRun((t) => ops.reshape(t, [3, 0]), [tensor([], 'float32', [0, 3])], 'float32', [3, 0], []);
    });

    it('reshape errors are exact', async () => {
      await ctx.expectError((t) => ops.reshape(t, [4, 2]), [x23], "Argument 'shape' passed to 'reshape' is [4,2] (8 elements); x has shape [2,3] (6 elements)");
      await ctx.expectError((t) => ops.reshape(t, [4, -1]), [x23], "Argument 'shape' passed to 'reshape' is [4,-1]; cannot reshape 6 elements (x has shape [2,3])");
      await ctx.expectError((t) => ops.reshape(t, [-1, -1]), [x23], "Argument 'shape' passed to 'reshape' is [-1,-1]; dimensions must be >= 0, with at most one -1");
    });

    it('expandDims inserts a size-1 axis anywhere, negative axes counting from the end', async () => {
      await ctx.expectRun((t) => ops.expandDims(t, 0), [x23], 'float32', [1, 2, 3], [X23]);
      await ctx.expectRun((t) => ops.expandDims(t, 2), [x23], 'float32', [2, 3, 1], [[[1], [2], [3]], [[4], [5], [6]]]);
      await ctx.expectRun((t) => ops.expandDims(t, -1), [x23], 'float32', [2, 3, 1], [[[1], [2], [3]], [[4], [5], [6]]]);
      await ctx.expectRun((t) => ops.expandDims(t, 0), [tensor(3, 'int32')], 'int32', [1], [3]);
      await ctx.expectError((t) => ops.expandDims(t, 3), [x23], "Argument 'axis' passed to 'expandDims' is 3; expected an axis in [-3, 2] for a rank-2 tensor");
    });

    it('squeeze removes all size-1 axes, or the ones named', async () => {
      const x = tensor([[[1], [2]]], 'uint8'); // [1,2,1]
      await ctx.expectRun((t) => ops.squeeze(t), [x], 'uint8', [2], [1, 2]);
      await ctx.expectRun((t) => ops.squeeze(t, 0), [x], 'uint8', [2, 1], [[1], [2]]);
      await ctx.expectRun((t) => ops.squeeze(t, [-1, 0]), [x], 'uint8', [2], [1, 2]);
      await ctx.expectRun((t) => ops.squeeze(t), [tensor([[NaN]])], 'float32', [], NaN);
      await ctx.expectError((t) => ops.squeeze(t, 1), [x], "Argument 'axis' passed to 'squeeze' names axis 1, which has size 2; only size-1 axes can be squeezed");
      await ctx.expectError((t) => ops.squeeze(t, 3), [x], "Argument 'axis' passed to 'squeeze' is 3; expected an axis in [-3, 2] for a rank-3 tensor");
    });

    it('view results compose with kernels', async () => {
      await ctx.expectRun((t) => ops.sum(ops.expandDims(ops.reshape(t, [3, 2]), 0), 1), [x23], 'float32', [1, 2], [[9, 12]]);
    });
  });
}

const X23 = [[1, 2, 3], [4, 5, 6]];
