import type { Tensor } from '../../lib/core/tensor';
import { isTensor, METHOD_NAMES, ops, setPrintSink, tensor } from '../../index';
import type { SuiteContext } from '../harness';

export function describeMisc(ctx: SuiteContext): void {
  describe('tensor methods', () => {
    it('chain like the ops they mirror', async () => {
      const x = tensor([[1, 2], [3, 4]]);
      await ctx.expectRun((t) => t.add(1).mul(2).sum(), [x], 'float32', [], 28);
      await ctx.expectRun((t, w) => t.matmul(w).sub(10).relu().sum(1), [x, tensor([[1], [2]])], 'float32', [2], [0, 1]);
      await ctx.expectRun((t) => t.reshape([4]).slice([1], [2]).expandDims(0).transpose(), [x], 'float32', [2, 1], [[2], [3]]);
      await ctx.expectRun((t) => t.greater(2).logicalNot().cast('int32').sum(0), [x], 'int32', [2], [1, 1]);
      await ctx.expectRun((t) => t.softmax().sum(-1), [x], 'float32', [2], [1, 1]);
      await ctx.expectRun((t) => t.gather(tensor([1], 'int32'), 1).squeeze().argmax(), [x], 'int32', [], 1);
      await ctx.expectRun((t) => t.maximum(2.5).floorDiv(2).mod(2).pow(2), [x], 'float32', [2, 2], [[1, 1], [1, 0]]);
      await ctx.expectRun((t) => t.neg().abs().sqrt().square().exp().log().mean([0, 1]), [x], 'float32', [], 2.5);
    });

    it('every method exists on a result', async () => {
      const out = await ctx.run((t) => t.add(0), [tensor([1])]);
      const missing = METHOD_NAMES.filter((name) => typeof (out as unknown as Record<string, unknown>)[name] !== 'function');
      expect(missing).toEqual([]);
    });
  });

  describe('cond', () => {
    it('picks a branch by a scalar predicate; run eagerly, only that branch runs', async () => {
      const calls: string[] = [];
      let eager = false;
      const f = (x: Tensor): Tensor => {
        eager = isTensor(x);
        return ops.cond(
          ops.greater(ops.sum(x), 0),
          () => (calls.push('then'), ops.mul(x, 2)),
          () => (calls.push('else'), ops.neg(x)),
        );
      };
      await ctx.expectRun(f, [tensor([1, 2])], 'float32', [2], [2, 4]);
      if (eager) expect(calls).toEqual(['then']);
      calls.length = 0;
      await ctx.expectRun(f, [tensor([-1, -2])], 'float32', [2], [1, 2]);
      if (eager) expect(calls).toEqual(['else']);
    });

    it('takes plain booleans and numbers, and branches returning structures', async () => {
      await ctx.expectRun((x) => ops.cond(true, () => ops.add(x, 1), () => ops.sub(x, 1)), [tensor([1])], 'float32', [1], [2]);
      await ctx.expectRun((x) => ops.cond(0, () => ops.add(x, 1), () => ops.sub(x, 1)), [tensor([1])], 'float32', [1], [0]);
      const pair = (x: Tensor) =>
        ops.cond(ops.less(ops.max(x), 3), () => ({ a: ops.add(x, 1), b: ops.mul(x, 10) }), () => ({ a: ops.sub(x, 1), b: ops.mul(x, 0) }));
      await ctx.expectRun((x) => { const r = pair(x); return ops.add(r.a, r.b); }, [tensor([1, 2])], 'float32', [2], [12, 23]);
    });
  });

  describe('print', () => {
    it('writes its label and tensors to the print sink every time it runs', async () => {
      const lines: string[] = [];
      const previous = setPrintSink((line) => lines.push(line));
      try {
        const f = (x: Tensor): Tensor => {
          ops.print('x is', x, ops.sum(x));
          return ops.add(x, tensor(1, 'int32'));
        };
        await ctx.expectRun(f, [tensor([1, 2], 'int32')], 'int32', [2], [2, 3]);
        await ctx.expectRun(f, [tensor([5, 6], 'int32')], 'int32', [2], [6, 7]);
      } finally {
        setPrintSink(previous);
      }
      expect(lines).toEqual(['x is Tensor(int32, [2], [1,2]) Tensor(int32, [], 3)', 'x is Tensor(int32, [2], [5,6]) Tensor(int32, [], 11)']);
    });
  });

  describe('tensor() factory', () => {
    it('builds constants that ops combine with their inputs', async () => {
      await ctx.expectRun((x) => ops.add(x, tensor([[1], [2]], 'int32')), [tensor([10, 20], 'int32')], 'int32', [2, 2], [[11, 21], [12, 22]]);
      await ctx.expectRun((x) => ops.mul(x, tensor(new Float64Array([1, 2, 3, 4]), 'float64', [2, 2])), [tensor(2, 'float64')], 'float64', [2, 2],
        [[2, 4], [6, 8]]);
    });

    it('rejects ragged arrays, unknown dtypes, length mismatches and non-numbers with the exact message', async () => {
      await ctx.expectError(() => tensor([[1, 2], [3]]), [], "Argument 'values' passed to 'tensor' is ragged: element [1] has length 1; expected 2");
      await ctx.expectError(() => tensor([[1, 2], 3] as unknown as number[]), [],
        "Argument 'values' passed to 'tensor' is ragged: element [1] is a number; expected an array of length 2");
      await ctx.expectError(() => tensor([1], 'float16' as 'float32'), [],
        `Argument 'dtype' passed to 'tensor': unknown dtype "float16"; expected one of bool, uint8, int32, float32, float64`);
      await ctx.expectError(() => tensor(new Float32Array(5), 'float32', [2, 3]), [],
        "Argument 'values' passed to 'tensor' has length 5, but shape [2,3] needs 6 elements");
      await ctx.expectError(() => tensor([1, 2, 3], 'float32', [4]), [], "Argument 'shape' passed to 'tensor' is [4] (4 elements), but 'values' has 3 elements");
      await ctx.expectError(() => tensor(['a'] as unknown as number[]), [],
        "Argument 'values' passed to 'tensor' has a string at flat index 0; expected numbers or booleans");
      await ctx.expectError(() => tensor([1], 'float32', [-1]), [],
        "Argument 'shape' passed to 'tensor' is [-1]; dimensions must be non-negative integers");
      await ctx.expectError(() => tensor(new Int16Array(2) as unknown as Float32Array), [],
        "Argument 'values' passed to 'tensor' is a Int16Array; expected Float32Array, Float64Array, Int32Array or Uint8Array");
    });
  });
}
