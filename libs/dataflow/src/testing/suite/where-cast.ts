import type { DType } from '../../lib/core/dtype';
import { DTYPES, isInt, ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';
import { refElementwise } from '../reference';

/** Values each dtype can hold, with the awkward ones: fractions, negatives, the extremes. */
const SAMPLES: Record<DType, number[]> = {
  bool: [0, 1],
  uint8: [0, 1, 7, 255],
  int32: [0, 1, -1, 300, -2147483648, 2147483647],
  float32: [0, 1, -2.75, 0.5, 300.5, -0.25, NaN, Infinity],
  float64: [0, 1, -2.75, 1e-300, 4294967296.5, -3e9, NaN, -Infinity],
};

const T = true;
const F = false;

export function describeWhereCast(ctx: SuiteContext): void {
  describe('where', () => {
    it('selects elementwise, broadcasting all three arguments', async () => {
      const c = tensor([[T], [F]]); // [2,1]
      const a = tensor([1, 2, 3]); // [3]
      await ctx.expectRun((x, y) => ops.where(x, y, -1), [c, a], 'float32', [2, 3], [[1, 2, 3], [-1, -1, -1]]);
      await ctx.expectRun((x, y, z) => ops.where(x, y, z), [tensor(T), tensor([[1], [2]]), tensor([5, 6, 7])], 'float32', [2, 3],
        [[1, 1, 1], [2, 2, 2]]);
    });

    it('promotes a and b together, whatever their dtypes', async () => {
      await ctx.expectRun((x, y, z) => ops.where(x, y, z), [tensor([T, F]), tensor([1, 2], 'int32'), tensor([0.5, 1.5])],
        'float32', [2], [1, 1.5]);
      await ctx.expectRun((x, y, z) => ops.where(x, y, z), [tensor([T, F]), tensor([1, 2], 'uint8'), tensor([T, T])],
        'uint8', [2], [1, 1]);
      await ctx.expectRun((x, y, z) => ops.where(x, y, z), [tensor([F, T]), tensor([T, F]), tensor([F, F])], 'bool', [2], [F, F]);
      await ctx.expectRun((x, y, z) => ops.where(x, y, z), [tensor([F, T]), tensor([1, 2], 'float64'), tensor([3, 4], 'int32')],
        'float64', [2], [3, 2]);
    });

    it('passes NaN and Infinity through untouched', async () => {
      await ctx.expectRun((x, y, z) => ops.where(x, y, z), [tensor([T, F, T]), tensor([NaN, 0, -Infinity]), tensor([0, Infinity, 0])],
        'float32', [3], [NaN, Infinity, -Infinity]);
    });

    it('zero-size', async () => {
      await ctx.expectRun((x, y) => ops.where(x, y, 0), [tensor([], 'bool', [0, 2]), tensor([1, 2])], 'float32', [0, 2], []);
    });

    it('rejects a non-bool condition and shapes that do not broadcast, with the exact message', async () => {
      await ctx.expectError((x) => ops.where(x, 1, 2), [tensor([1, 0])],
        "Argument 'condition' passed to 'where' has dtype float32; expected bool");
      await ctx.expectError((x, y, z) => ops.where(x, y, z), [tensor([T]), tensor([1, 2]), tensor([1, 2, 3])],
        "Argument 'b' passed to 'where' has shape [3], which does not broadcast with 'a' of shape [2]");
      await ctx.expectError((x, y, z) => ops.where(x, y, z), [tensor([T, F, T]), tensor([1, 2]), tensor([[1], [2]])],
        "Argument 'condition' passed to 'where' has shape [3], which does not broadcast with [2,2]");
    });
  });

  describe('cast', () => {
    it('floats to integers truncate toward zero; NaN gives 0', async () => {
      await ctx.expectRun((x) => ops.cast(x, 'int32'), [tensor([-1.7, 2.9, 0.5, NaN, -0.5])], 'int32', [5], [-1, 2, 0, 0, 0]);
      await ctx.expectRun((x) => ops.cast(x, 'uint8'), [tensor([3.9, 255, 0.1], 'float64')], 'uint8', [3], [3, 255, 0]);
    });

    it('integers narrow by wrapping', async () => {
      await ctx.expectRun((x) => ops.cast(x, 'uint8'), [tensor([256, -1, 300], 'int32')], 'uint8', [3], [0, 255, 44]);
    });

    it('anything to bool is x != 0 (NaN is true), stored as 0/1', async () => {
      await ctx.expectRun((x) => ops.cast(x, 'bool'), [tensor([0, 2, -0.5, NaN, -0, Infinity])], 'bool', [6], [F, T, T, T, F, T]);
      await ctx.expectRun((x) => ops.cast(x, 'bool'), [tensor([0, 7, 255], 'uint8')], 'bool', [3], [F, T, T]);
      await ctx.expectRun((x) => ops.cast(x, 'bool'), [tensor([0, -9], 'int32')], 'bool', [2], [F, T]);
    });

    it('bool to numbers gives 0/1; widening is exact; float32 rounds', async () => {
      await ctx.expectRun((x) => ops.cast(x, 'float32'), [tensor([T, F])], 'float32', [2], [1, 0]);
      await ctx.expectRun((x) => ops.cast(x, 'int32'), [tensor([T, F])], 'int32', [2], [1, 0]);
      await ctx.expectRun((x) => ops.cast(x, 'float64'), [tensor([-7, 2147483647], 'int32')], 'float64', [2], [-7, 2147483647]);
      const r = await ctx.run((x) => ops.cast(x, 'float32'), [tensor([0.1, 16777217], 'float64')]);
      expect(r.dtype).toBe('float32');
      expect(Array.from(r.data)).toEqual([Math.fround(0.1), 16777216]);
    });

    it('keeps NaN and Infinity between float dtypes; same dtype is a copy; zero-size', async () => {
      await ctx.expectRun((x) => ops.cast(x, 'float64'), [tensor([NaN, Infinity, -Infinity])], 'float64', [3], [NaN, Infinity, -Infinity]);
      await ctx.expectRun((x) => ops.cast(x, 'int32'), [tensor([4, 5], 'int32')], 'int32', [2], [4, 5]);
      await ctx.expectRun((x) => ops.cast(x, 'bool'), [tensor([], 'float32', [2, 0])], 'bool', [2, 0], []);
    });

    it('every pair of dtypes: truncate to integers then wrap, x != 0 to bool, round to float32', async () => {
      for (const from of DTYPES) {
        const x = tensor(from === 'bool' ? SAMPLES.bool.map((v) => v === 1) : SAMPLES[from], from);
        for (const to of DTYPES) {
          const rule = (v: number): number => (to === 'bool' ? (v !== 0 ? 1 : 0) : isInt(to) ? (Number.isFinite(v) ? Math.trunc(v) : 0) : v);
          const want = refElementwise([x], to, rule);
          await ctx.expectRun((t) => ops.cast(t, to), [x], to, x.shape, Array.from(want.data));
        }
      }
    });

    it('rejects an unknown dtype with the exact message', async () => {
      await ctx.expectError((x) => ops.cast(x, 'float16' as 'float32'), [tensor([1])],
        `Argument 'dtype' passed to 'cast' is "float16"; expected one of bool, uint8, int32, float32, float64`);
    });
  });
}
