import { ops } from '../../index';
import type { SuiteContext } from '../harness';

export function describeCreationOps(ctx: SuiteContext): void {
  describe('creation ops', () => {
    it('eye: the identity in any dtype; eye(0) is empty', async () => {
      await ctx.expectRun(() => ops.eye(3), [], 'float32', [3, 3], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
      await ctx.expectRun(() => ops.eye(2, 'int32'), [], 'int32', [2, 2], [[1, 0], [0, 1]]);
      await ctx.expectRun(() => ops.eye(2, 'bool'), [], 'bool', [2, 2], [[true, false], [false, true]]);
      await ctx.expectRun(() => ops.eye(1, 'float64'), [], 'float64', [1, 1], [[1]]);
      await ctx.expectRun(() => ops.eye(0), [], 'float32', [0, 0], []);
    });

    it('zeros and ones: any shape and dtype, scalars and zero-size included', async () => {
      await ctx.expectRun(() => ops.zeros([2, 3]), [], 'float32', [2, 3], [[0, 0, 0], [0, 0, 0]]);
      await ctx.expectRun(() => ops.zeros([], 'int32'), [], 'int32', [], 0);
      await ctx.expectRun(() => ops.zeros([0, 2], 'float64'), [], 'float64', [0, 2], []);
      await ctx.expectRun(() => ops.ones([2], 'bool'), [], 'bool', [2], [true, true]);
      await ctx.expectRun(() => ops.ones([2, 1], 'uint8'), [], 'uint8', [2, 1], [[1], [1]]);
      await ctx.expectRun(() => ops.ones([]), [], 'float32', [], 1);
    });

    it('fill: numbers default to float32, booleans to bool; values are stored in the dtype', async () => {
      await ctx.expectRun(() => ops.fill([2], 7), [], 'float32', [2], [7, 7]);
      await ctx.expectRun(() => ops.fill([2, 1], true), [], 'bool', [2, 1], [[true], [true]]);
      await ctx.expectRun(() => ops.fill([2], 2.7, 'int32'), [], 'int32', [2], [2, 2]);
      await ctx.expectRun(() => ops.fill([3], 3, 'bool'), [], 'bool', [3], [true, true, true]);
      await ctx.expectRun(() => ops.fill([1], NaN), [], 'float32', [1], [NaN]);
      await ctx.expectRun(() => ops.fill([1], -Infinity, 'float64'), [], 'float64', [1], [-Infinity]);
      await ctx.expectRun(() => ops.fill([0], 5), [], 'float32', [0], []);
    });

    it("range: NumPy's arange, any step sign, empty when the range is", async () => {
      await ctx.expectRun(() => ops.range(0, 5), [], 'float32', [5], [0, 1, 2, 3, 4]);
      await ctx.expectRun(() => ops.range(0, 1, 0.25), [], 'float32', [4], [0, 0.25, 0.5, 0.75]);
      await ctx.expectRun(() => ops.range(5, 0, -2), [], 'float32', [3], [5, 3, 1]);
      await ctx.expectRun(() => ops.range(2, 6, 2, 'int32'), [], 'int32', [2], [2, 4]);
      await ctx.expectRun(() => ops.range(0, 0.3, 0.1, 'float64'), [], 'float64', [3], [0, 0.1, 0.2]);
      await ctx.expectRun(() => ops.range(3, 3), [], 'float32', [0], []);
      await ctx.expectRun(() => ops.range(0, 5, -1), [], 'float32', [0], []);
    });

    it('creation results feed other ops', async () => {
      await ctx.expectRun(() => ops.matmul(ops.eye(2), ops.fill([2, 1], 3)), [], 'float32', [2, 1], [[3], [3]]);
    });

    it('bad arguments fail with the exact message', async () => {
      await ctx.expectError(() => ops.eye(-1), [], "Argument 'n' passed to 'eye' is -1; expected n >= 0");
      await ctx.expectError(() => ops.range(0, NaN), [], "Argument 'stop' passed to 'range' is NaN; expected a finite number");
      await ctx.expectError(() => ops.range(0, Infinity), [], "Argument 'stop' passed to 'range' is Infinity; expected a finite number");
      await ctx.expectError(() => ops.eye(2.5), [], "Argument 'n' passed to 'eye' is 2.5; expected an integer");
      await ctx.expectError(() => ops.zeros([2, -1]), [], "Argument 'shape' passed to 'zeros' is [2,-1]; dimensions must be >= 0");
      await ctx.expectError(() => ops.ones([1.5]), [], "Argument 'shape' passed to 'ones' is [1.5]; expected an array of integers");
      await ctx.expectError(() => ops.zeros([2], 'float16' as 'float32'), [],
        `Argument 'dtype' passed to 'zeros' is "float16"; expected one of bool, uint8, int32, float32, float64`);
      await ctx.expectError(() => ops.fill([2], 'x' as unknown as number), [], `Argument 'value' passed to 'fill' is "x"; expected a number or boolean`);
      await ctx.expectError(() => ops.range(0, 5, 0), [], "Argument 'step' passed to 'range' is 0; expected a non-zero step");
      await ctx.expectError(() => ops.range(0, '5' as unknown as number), [], `Argument 'stop' passed to 'range' is "5"; expected a finite number`);
    });
  });
}
