import type { DType } from '../../lib/core/dtype';
import type { UnaryOp } from '../../lib/ops/op-names';
import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';
import { refElementwise } from '../reference';

const X = [-2, -0.5, 0, 0.5, 3, NaN, Infinity, -Infinity];
const { exp, log, sqrt, tanh } = Math;
const sig = (x: number): number => 1 / (1 + exp(-x));

/** Expected results on X, special values spelled out. */
const ON_X: Record<Exclude<UnaryOp, 'logicalNot'>, number[]> = {
  neg: [2, 0.5, -0, -0.5, -3, NaN, -Infinity, Infinity],
  abs: [2, 0.5, 0, 0.5, 3, NaN, Infinity, Infinity],
  sign: [-1, -1, 0, 1, 1, NaN, 1, -1],
  exp: [exp(-2), exp(-0.5), 1, exp(0.5), exp(3), NaN, Infinity, 0],
  log: [NaN, NaN, -Infinity, log(0.5), log(3), NaN, Infinity, NaN],
  sqrt: [NaN, NaN, 0, sqrt(0.5), sqrt(3), NaN, Infinity, NaN],
  square: [4, 0.25, 0, 0.25, 9, NaN, Infinity, Infinity],
  relu: [0, 0, 0, 0.5, 3, NaN, Infinity, 0],
  sigmoid: [sig(-2), sig(-0.5), 0.5, sig(0.5), sig(3), NaN, 1, 0],
  tanh: [tanh(-2), tanh(-0.5), 0, tanh(0.5), tanh(3), NaN, 1, -1],
};

/** The scalar rule on integers (stored through the output dtype, so uint8 neg wraps). */
const INT_RULE: Record<Exclude<UnaryOp, 'logicalNot'>, { float: boolean; f: (x: number) => number }> = {
  neg: { float: false, f: (x) => -x },
  abs: { float: false, f: Math.abs },
  sign: { float: false, f: Math.sign },
  square: { float: false, f: (x) => x * x },
  relu: { float: false, f: (x) => Math.max(x, 0) },
  exp: { float: true, f: exp },
  log: { float: true, f: log },
  sqrt: { float: true, f: sqrt },
  sigmoid: { float: true, f: sig },
  tanh: { float: true, f: tanh },
};

const NUMERIC_OPS = Object.keys(ON_X) as (keyof typeof ON_X)[];

export function describeUnaryOps(ctx: SuiteContext): void {
  describe('unary ops', () => {
    for (const op of NUMERIC_OPS) {
      it(`${op}: float32 values, NaN and ±Infinity`, async () => {
        await ctx.expectRun((x) => ops[op](x), [tensor(X)], 'float32', [X.length], ON_X[op]);
      });

      it(`${op}: float64 keeps float64`, async () => {
        await ctx.expectRun((x) => ops[op](x), [tensor(X, 'float64')], 'float64', [X.length], ON_X[op]);
      });

      it(`${op}: int32 and uint8 inputs give ${INT_RULE[op].float ? 'float32' : 'the same dtype'}`, async () => {
        for (const dtype of ['int32', 'uint8'] as DType[]) {
          const x = tensor([[0, 1], [2, 3]], dtype);
          const out: DType = INT_RULE[op].float ? 'float32' : dtype;
          const want = refElementwise([x], out, INT_RULE[op].f);
          await ctx.expectRun((t) => ops[op](t), [x], out, [2, 2], Array.from(want.data));
        }
      });

      it(`${op}: zero-size and rank-0 tensors`, async () => {
        await ctx.expectRun((x) => ops[op](x), [tensor([], 'float32', [0, 3])], 'float32', [0, 3], []);
        await ctx.expectRun((x) => ops[op](x), [tensor(0.5)], 'float32', [], [ON_X[op][3]]);
      });

      it(`${op}: rejects bool with the exact message`, async () => {
        await ctx.expectError((x) => ops[op](x), [tensor([true])],
          `Argument 'x' passed to '${op}' has dtype bool; expected float32 or float64 or int32 or uint8`);
      });
    }

    it('integer results wrap as fixed-width integers do', async () => {
      const min = -2147483648;
      await ctx.expectRun((x) => ops.neg(x), [tensor([min, 5], 'int32')], 'int32', [2], [min, -5]);
      await ctx.expectRun((x) => ops.abs(x), [tensor([min, -5], 'int32')], 'int32', [2], [min, 5]);
      const sq = (v: number) => Number(BigInt.asIntN(32, BigInt(v) * BigInt(v)));
      await ctx.expectRun((x) => ops.square(x), [tensor([46341, 65536, -3, 2147483647, 123456789], 'int32')], 'int32', [5],
        [-2147479015, 0, 9, sq(2147483647), sq(123456789)]);
      await ctx.expectRun((x) => ops.neg(x), [tensor([1, 0, 255], 'uint8')], 'uint8', [3], [255, 0, 1]);
      await ctx.expectRun((x) => ops.square(x), [tensor([16, 15], 'uint8')], 'uint8', [2], [0, 225]);
    });

    it('sigmoid and tanh saturate without overflow', async () => {
      await ctx.expectRun((x) => ops.sigmoid(x), [tensor([-1000, 1000, -30])], 'float32', [3], [0, 1, sig(-30)]);
      await ctx.expectRun((x) => ops.tanh(x), [tensor([-1000, 1000])], 'float32', [2], [-1, 1]);
    });

    it('logicalNot: bool to bool, 0/1 only', async () => {
      await ctx.expectRun((x) => ops.logicalNot(x), [tensor([true, false, true])], 'bool', [3], [false, true, false]);
      await ctx.expectRun((x) => ops.logicalNot(x), [tensor([], 'bool', [0])], 'bool', [0], []);
    });

    it('logicalNot rejects numbers with the exact message', async () => {
      await ctx.expectError((x) => ops.logicalNot(x), [tensor([1])], "Argument 'x' passed to 'logicalNot' has dtype float32; expected bool");
      await ctx.expectError((x) => ops.logicalNot(x), [tensor([1], 'int32')], "Argument 'x' passed to 'logicalNot' has dtype int32; expected bool");
    });

    it('a plain number on its own is a float64 scalar (a JS number is a double)', async () => {
      await ctx.expectRun(() => ops.neg(3), [], 'float64', [], [-3]);
      await ctx.expectRun(() => ops.sqrt(2), [], 'float64', [], [Math.SQRT2]);
    });
  });
}
