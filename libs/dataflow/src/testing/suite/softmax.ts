import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';

/** Softmax of one slice by the definition, in double precision. */
function softmaxOf(xs: number[]): number[] {
  const e = xs.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function describeSoftmax(ctx: SuiteContext): void {
  describe('softmax and logSoftmax', () => {
    it('normalize along the last axis by default, or any axis', async () => {
      const x = tensor([[1, 2, 3], [0, 0, Math.log(2)]]);
      await ctx.expectRun((t) => ops.softmax(t), [x], 'float32', [2, 3], [softmaxOf([1, 2, 3]), [0.25, 0.25, 0.5]]);
      await ctx.expectRun((t) => ops.logSoftmax(t), [x], 'float32', [2, 3], [softmaxOf([1, 2, 3]).map(Math.log), [0.25, 0.25, 0.5].map(Math.log)]);
      const cols = [softmaxOf([1, 0]), softmaxOf([2, 0]), softmaxOf([3, Math.log(2)])];
      await ctx.expectRun((t) => ops.softmax(t, 0), [x], 'float32', [2, 3], [cols.map((c) => c[0]), cols.map((c) => c[1])]);
      await ctx.expectRun((t) => ops.softmax(t, -2), [x], 'float32', [2, 3], [cols.map((c) => c[0]), cols.map((c) => c[1])]);
    });

    it('are numerically stable for large inputs', async () => {
      await ctx.expectRun((t) => ops.softmax(t), [tensor([1000, 1000, 999])], 'float32', [3], softmaxOf([1, 1, 0]));
      await ctx.expectRun((t) => ops.softmax(t), [tensor([-1000, 0])], 'float32', [2], [0, 1]);
      await ctx.expectRun((t) => ops.logSoftmax(t), [tensor([-1000, 0])], 'float32', [2], [-1000, 0]);
      await ctx.expectRun((t) => ops.logSoftmax(t), [tensor([1000, 1000], 'float64')], 'float64', [2], [-Math.LN2, -Math.LN2]);
    });

    it('float64 stays float64; a rank-3 middle axis', async () => {
      const x = tensor([[[1, 5], [2, 6], [3, 7]]], 'float64'); // [1,3,2]
      const a = softmaxOf([1, 2, 3]);
      await ctx.expectRun((t) => ops.softmax(t, 1), [x], 'float64', [1, 3, 2], [[[a[0], a[0]], [a[1], a[1]], [a[2], a[2]]]]);
    });

    it('-Infinity gets probability 0; NaN or +Infinity in a slice make that slice NaN', async () => {
      await ctx.expectRun((t) => ops.softmax(t), [tensor([-Infinity, 0])], 'float32', [2], [0, 1]);
      await ctx.expectRun((t) => ops.logSoftmax(t), [tensor([-Infinity, 0])], 'float32', [2], [-Infinity, 0]);
      await ctx.expectRun((t) => ops.softmax(t), [tensor([[1, NaN], [0, 0]])], 'float32', [2, 2], [[NaN, NaN], [0.5, 0.5]]);
      await ctx.expectRun((t) => ops.softmax(t), [tensor([[Infinity, 0], [0, 0]])], 'float32', [2, 2], [[NaN, NaN], [0.5, 0.5]]);
      await ctx.expectRun((t) => ops.logSoftmax(t), [tensor([1, NaN])], 'float32', [2], [NaN, NaN]);
    });

    it('scalars and zero-size tensors', async () => {
      await ctx.expectRun((t) => ops.softmax(t), [tensor(3)], 'float32', [], 1);
      await ctx.expectRun((t) => ops.logSoftmax(t), [tensor(3)], 'float32', [], 0);
      await ctx.expectRun((t) => ops.softmax(t), [tensor([], 'float32', [0, 4])], 'float32', [0, 4], []);
      await ctx.expectRun((t) => ops.logSoftmax(t, 0), [tensor([], 'float32', [0, 4])], 'float32', [0, 4], []);
    });

    it('reject integer inputs and bad axes with the exact message', async () => {
      await ctx.expectError((t) => ops.softmax(t), [tensor([1, 2], 'int32')], "Argument 'x' passed to 'softmax' has dtype int32; expected float32 or float64");
      await ctx.expectError((t) => ops.logSoftmax(t), [tensor([true])], "Argument 'x' passed to 'logSoftmax' has dtype bool; expected float32 or float64");
      await ctx.expectError((t) => ops.softmax(t, 2), [tensor([[1]])], "Argument 'axis' passed to 'softmax' is 2; expected an axis in [-2, 1] for a rank-2 tensor");
    });
  });
}
