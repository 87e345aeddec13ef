import type { BinaryOp } from '../../lib/ops/op-names';
import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';
import { refElementwise } from '../reference';

const INF = Infinity;
const T = true;
const F = false;

/** float32 cases per op: a, b (same shape) and the expected result, NaN and Infinity included. */
const FLOAT_CASES: Record<Exclude<BinaryOp, 'logicalAnd' | 'logicalOr'>, [number[], number[], (number | boolean)[]]> = {
  add: [[1, NaN, INF, INF, -0.5], [2, 1, -INF, 1, 0.25], [3, NaN, NaN, INF, -0.25]],
  sub: [[1, NaN, INF, INF], [2, 1, INF, -INF], [-1, NaN, NaN, INF]],
  mul: [[2, NaN, 0, INF, -INF], [3, 1, INF, -2, -INF], [6, NaN, NaN, -INF, INF]],
  div: [[1, -1, 0, 6, 1, INF], [0, 0, 0, 4, INF, INF], [INF, -INF, NaN, 1.5, 0, NaN]],
  // NumPy's floor semantics: the remainder takes the divisor's sign; by zero NaN.
  mod: [[7, -7, 7, -7, 5.5, 1, INF, 1, NaN], [2, 2, -2, -2, 2, 0, 2, INF, 2], [1, 1, -1, -1, 1.5, NaN, NaN, 1, NaN]],
  floorDiv: [[7, -7, 7, -7, 7.5, 1, -1, 0, NaN], [2, 2, -2, -2, 2, 0, 0, 0, 1], [3, -4, -4, 3, 3, INF, -INF, NaN, NaN]],
  // C's pow: 1 ** anything and (-1) ** ±Infinity are 1; anything ** 0 is 1.
  pow: [[2, 2, 1, NaN, -1, 0, 4, -8], [3, -1, NaN, 0, INF, -1, 0.5, 1 / 3], [8, 0.5, 1, 1, 1, INF, 2, NaN]],
  maximum: [[1, NaN, 3, -INF, 2], [2, 1, NaN, 0, -INF], [2, NaN, NaN, 0, 2]],
  minimum: [[1, NaN, 3, -INF, 2], [2, 1, NaN, 0, INF], [1, NaN, NaN, -INF, 2]],
  greater: [[1, 2, NaN, INF, 3], [2, 2, NaN, 1, NaN], [F, F, F, T, F]],
  greaterEqual: [[1, 2, NaN, INF, 3], [2, 2, NaN, 1, NaN], [F, T, F, T, F]],
  less: [[1, 2, NaN, -INF, 3], [2, 2, NaN, 1, NaN], [T, F, F, T, F]],
  lessEqual: [[1, 2, NaN, -INF, 3], [2, 2, NaN, 1, NaN], [T, T, F, T, F]],
  equal: [[1, 2, NaN, INF, 0], [2, 2, NaN, INF, -0], [F, T, F, T, T]],
  notEqual: [[1, 2, NaN, INF, 0], [2, 2, NaN, INF, -0], [T, F, T, F, F]],
};

/** The ops on small positive numbers, where JS's operators already agree with NumPy. */
const SIMPLE: Record<keyof typeof FLOAT_CASES, (p: number, q: number) => number | boolean> = {
  add: (p, q) => p + q,
  sub: (p, q) => p - q,
  mul: (p, q) => p * q,
  div: (p, q) => p / q,
  mod: (p, q) => p % q,
  floorDiv: (p, q) => Math.floor(p / q),
  pow: (p, q) => p ** q,
  maximum: Math.max,
  minimum: Math.min,
  greater: (p, q) => p > q,
  greaterEqual: (p, q) => p >= q,
  less: (p, q) => p < q,
  lessEqual: (p, q) => p <= q,
  equal: (p, q) => p === q,
  notEqual: (p, q) => p !== q,
};

const COMPARISONS = new Set<string>(['greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual']);
const MIN = -2147483648;
const imul32 = (a: number, b: number): number => Number(BigInt.asIntN(32, BigInt(a) * BigInt(b)));

export function describeBinaryOps(ctx: SuiteContext): void {
  describe('binary ops', () => {
    for (const [name, [a, b, want]] of Object.entries(FLOAT_CASES)) {
      const op = name as keyof typeof FLOAT_CASES;
      const outDType = COMPARISONS.has(op) ? 'bool' : 'float32';
      it(`${op}: float32 values, NaN and ±Infinity`, async () => {
        await ctx.expectRun((x, y) => ops[op](x, y), [tensor(a), tensor(b)], outDType, [a.length], want);
      });
      it(`${op}: float64 in, ${COMPARISONS.has(op) ? 'bool' : 'float64'} out`, async () => {
        await ctx.expectRun((x, y) => ops[op](x, y), [tensor(a, 'float64'), tensor(b, 'float64')],
          COMPARISONS.has(op) ? 'bool' : 'float64', [a.length], want);
      });
      it(`${op}: broadcasts [2,1] with [3], scalars, and zero-size shapes`, async () => {
        const x = tensor([[1], [4]]);
        const y = tensor([2, 3, 4]);
        const scalar = SIMPLE[op];
        const grid = [[1, 2], [1, 3], [1, 4], [4, 2], [4, 3], [4, 4]].map(([p, q]) => scalar(p, q));
        await ctx.expectRun((p, q) => ops[op](p, q), [x, y], outDType, [2, 3], grid);
        await ctx.expectRun((p) => ops[op](p, 2), [tensor([[1, 4]])], outDType, [1, 2], [scalar(1, 2), scalar(4, 2)]);
        await ctx.expectRun((q) => ops[op](4, q), [tensor(3)], outDType, [], [scalar(4, 3)]);
        await ctx.expectRun((p, q) => ops[op](p, q), [tensor([], 'float32', [0, 3]), y], outDType, [0, 3], []);
        await ctx.expectRun((p, q) => ops[op](p, q), [tensor([], 'float32', [1, 0]), x], outDType, [2, 0], []);
      });
      it(`${op}: shapes that do not broadcast fail with the exact message`, async () => {
        await ctx.expectError((p, q) => ops[op](p, q), [tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 2, 3, 4])],
          `Argument 'b' passed to '${op}' has shape [4], which does not broadcast with 'a' of shape [2,3]`);
      });
    }

    it('float floorDiv and mod stay exact where (a - mod) / b rounds just below the quotient', async () => {
      const a = tensor([-36.9, 42.8, 8.56], 'float64');
      const b = tensor([-6.1, -0.8, 0.023], 'float64');
      await ctx.expectRun((x, y) => ops.floorDiv(x, y), [a, b], 'float64', [3], [6, -54, 372]);
      await ctx.expectRun((x, y) => ops.mod(x, y), [a, b], 'float64', [3], [-36.9 - 6 * -6.1, 42.8 - -54 * -0.8, 8.56 - 372 * 0.023]);
    });

    it('int32: floorDiv and mod floor, and give 0 for a zero divisor', async () => {
      const a = tensor([7, -7, 7, -7, 5, 0, MIN], 'int32');
      const b = tensor([2, 2, -2, -2, 0, 0, -1], 'int32');
      await ctx.expectRun((x, y) => ops.floorDiv(x, y), [a, b], 'int32', [7], [3, -4, -4, 3, 0, 0, MIN]);
      await ctx.expectRun((x, y) => ops.mod(x, y), [a, b], 'int32', [7], [1, 1, -1, -1, 0, 0, 0]);
      await ctx.expectRun((x, y) => ops.floorDiv(x, y), [tensor([7, 9], 'uint8'), tensor([2, 0], 'uint8')], 'uint8', [2], [3, 0]);
    });

    it('int32: add, sub and mul wrap modulo 2^32 (mul exactly, past 2^53)', async () => {
      const big = [2147483647, 123456789, 65536, -46341];
      const other = [2, 987654321, 65536, 46341];
      await ctx.expectRun((x, y) => ops.mul(x, y), [tensor(big, 'int32'), tensor(other, 'int32')], 'int32', [4],
        big.map((v, i) => imul32(v, other[i])));
      const one = tensor(1, 'int32');
      await ctx.expectRun((x) => ops.add(x, one), [tensor([2147483647], 'int32')], 'int32', [1], [MIN]);
      await ctx.expectRun((x) => ops.sub(x, one), [tensor([MIN], 'int32')], 'int32', [1], [2147483647]);
    });

    it('uint8 wraps modulo 256', async () => {
      const u = (v: number[]) => tensor(v, 'uint8');
      await ctx.expectRun((x, y) => ops.add(x, y), [u([200, 255]), u([100, 1])], 'uint8', [2], [44, 0]);
      await ctx.expectRun((x, y) => ops.sub(x, y), [u([1]), u([2])], 'uint8', [1], [255]);
      await ctx.expectRun((x, y) => ops.mul(x, y), [u([16, 3]), u([16, 5])], 'uint8', [2], [0, 15]);
    });

    it('int32 pow: exact powers, wrap-around, negative exponents truncate', async () => {
      const base = tensor([3, 2, 3, 2, 1, -1, -1, 5, 0], 'int32');
      const expo = tensor([4, 31, 40, -1, -3, -3, -2, 0, 0], 'int32');
      const p340 = Number(BigInt.asIntN(32, 3n ** 40n));
      await ctx.expectRun((x, y) => ops.pow(x, y), [base, expo], 'int32', [9], [81, MIN, p340, 0, 1, -1, 1, 1, 1]);
    });

    it('div of integers is true division in float32; int division by zero gives ±Infinity or NaN', async () => {
      await ctx.expectRun((x, y) => ops.div(x, y), [tensor([1, 3, -3, 0], 'int32'), tensor([2, 0, 0, 0], 'int32')],
        'float32', [4], [0.5, INF, -INF, NaN]);
      await ctx.expectRun((x, y) => ops.div(x, y), [tensor([true]), tensor([true])], 'float32', [1], [1]);
    });

    it('maximum and minimum of bools stay bool (0/1)', async () => {
      await ctx.expectRun((x, y) => ops.maximum(x, y), [tensor([T, F, F]), tensor([F, F, T])], 'bool', [3], [T, F, T]);
      await ctx.expectRun((x, y) => ops.minimum(x, y), [tensor([T, F, T]), tensor([T, F, F])], 'bool', [3], [T, F, F]);
    });

    it('comparisons of mixed dtypes compare values', async () => {
      await ctx.expectRun((x, y) => ops.less(x, y), [tensor([1, 2, 3], 'int32'), tensor([1.5, 2, 2.5])], 'bool', [3], [T, F, F]);
      await ctx.expectRun((x, y) => ops.equal(x, y), [tensor([1, 0], 'uint8'), tensor([T, F])], 'bool', [2], [T, T]);
      await ctx.expectRun((x) => ops.greater(x, 0.5), [tensor([0, 1], 'int32')], 'bool', [2], [F, T]);
    });

    it('logicalAnd and logicalOr: bools, broadcast', async () => {
      const a = tensor([[T], [F]]);
      const b = tensor([T, F]);
      await ctx.expectRun((x, y) => ops.logicalAnd(x, y), [a, b], 'bool', [2, 2], [[T, F], [F, F]]);
      await ctx.expectRun((x, y) => ops.logicalOr(x, y), [a, b], 'bool', [2, 2], [[T, T], [T, F]]);
      await ctx.expectRun((x) => ops.logicalOr(x, false), [b], 'bool', [2], [T, F]);
      await ctx.expectRun((x, y) => ops.logicalAnd(x, y), [tensor([], 'bool', [0, 1]), b], 'bool', [0, 2], []);
    });

    it('logicalAnd and logicalOr reject numbers with the exact message', async () => {
      await ctx.expectError((x, y) => ops.logicalAnd(x, y), [tensor([1]), tensor([T])],
        "Argument 'a' passed to 'logicalAnd' has dtype float32; expected bool");
      await ctx.expectError((x, y) => ops.logicalOr(x, y), [tensor([T]), tensor([1], 'int32')],
        "Argument 'b' passed to 'logicalOr' has dtype int32; expected bool");
    });

    it('rank-3 broadcasting where each operand repeats along a different axis', async () => {
      const a = tensor([[[1], [2], [3], [4]], [[5], [6], [7], [8]]], 'int32'); // [2,4,1]
      const b = tensor([[[10, 20, 30]], [[40, 50, 60]]], 'int32'); // [2,1,3]
      const want = refElementwise([a, b], 'int32', (x, y) => x * 100 + y);
      await ctx.expectRun((x, y) => ops.add(ops.mul(x, tensor(100, 'int32')), y), [a, b], 'int32', [2, 4, 3], Array.from(want.data));
    });

    it('rank-3 broadcasting in both directions', async () => {
      const a = tensor([[[1, 2]], [[3, 4]], [[5, 6]]]); // [3,1,2]
      const b = tensor([[10, 20], [30, 40], [50, 60], [70, 80]]); // [4,2]
      const out = await ctx.run((x, y) => ops.add(x, y), [a, b]);
      expect(out.shape).toEqual([3, 4, 2]);
      expect(Array.from(out.data.subarray(0, 4))).toEqual([11, 22, 31, 42]);
      expect(Array.from(out.data.subarray(20, 24))).toEqual([55, 66, 75, 86]);
    });

    it('a JS array where a tensor belongs is an error naming the fix', async () => {
      await ctx.expectError(() => ops.add([1, 2] as unknown as number, 1), [],
        "Argument 0 passed to 'add' is a JS array (wrap it with tensor()); expected a Tensor, a number or a boolean");
    });
  });
}
