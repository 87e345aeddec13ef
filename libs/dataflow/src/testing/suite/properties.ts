import fc from 'fast-check';
import type { DType } from '../../lib/core/dtype';
import type { Tensor } from '../../lib/core/tensor';
import { binaryOutDType, isFloat, ops, promote, tensor } from '../../index';
import type { SuiteContext } from '../harness';
import { expectTensor } from '../harness';
import { REF_BINARY, REF_BINARY_SPECIALS, refElementwise, refMatmul, refReduce, refTranspose } from '../reference';

// Fixed seeds and modest run counts: the suite must be reproducible and take seconds on a noisy 2-core CI
// machine. A failure prints the seed and the shrunk counterexample.
const RUNS = { numRuns: 60 } as const;

// Sizes 2-4 mostly, so shapes do not collapse to scalars and broadcasting has something to repeat;
// sometimes 0 (zero-size tensors) or 1. (fast-check biases integer ranges toward their minimum, so the
// sizes are drawn as constants.) The rank is drawn first, for the same reason.
const dim = fc.oneof({ arbitrary: fc.constantFrom(2, 3, 4), weight: 8 }, { arbitrary: fc.constantFrom(0, 1), weight: 1 });
const shapeArb = (maxRank: number) => fc.integer({ min: 0, max: maxRank }).chain((r) => fc.array(dim, { minLength: r, maxLength: r }));

/**
 * Values that keep every result exact in float32 (small integers and quarters), so any backend must match
 * the reference to the last bit up to its stated tolerance; floats sometimes carry NaN and ±Infinity.
 */
function valuesFor(dtype: DType, n: number, special: boolean): fc.Arbitrary<number[]> {
  const finite =
    dtype === 'bool' ? fc.integer({ min: 0, max: 1 })
      : dtype === 'uint8' ? fc.integer({ min: 0, max: 12 })
        : dtype === 'int32' ? fc.integer({ min: -12, max: 12 })
          : fc.integer({ min: -48, max: 48 }).map((v) => v / 4);
  const elem = special && (dtype === 'float32' || dtype === 'float64')
    ? fc.oneof({ arbitrary: finite, weight: 8 }, { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity), weight: 1 })
    : finite;
  return fc.array(elem, { minLength: n, maxLength: n });
}

function tensorArb(shape: readonly number[], dtype: DType, special = false): fc.Arbitrary<Tensor> {
  const n = shape.reduce((a, b) => a * b, 1);
  return valuesFor(dtype, n, special).map((v) => tensor(dtype === 'bool' ? v.map((x) => x !== 0) : v, dtype, [...shape]));
}

/**
 * Two shapes that broadcast: each is the output shape with some dims set to 1 and, now and then, leading
 * dims dropped. Each operand repeating along a different axis is what exercises strided loops.
 */
const broadcastPair = shapeArb(4).chain((out) => {
  const drop = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: out.length }), weight: 1 });
  const one = fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 });
  const derive = fc.tuple(drop, fc.array(one, { minLength: out.length, maxLength: out.length }))
    .map(([d, ones]) => out.map((size, i) => (ones[i] ? 1 : size)).slice(d));
  return fc.tuple(derive, derive);
});

const DTYPES: DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];
const BINARY = Object.keys(REF_BINARY) as (keyof typeof REF_BINARY & Parameters<typeof binaryOutDType>[0])[];

export function describeProperties(ctx: SuiteContext): void {
  describe('properties against the reference implementation', () => {
    it('binary ops broadcast any compatible shapes, any accepted dtype pair, NaN and Infinity included', async () => {
      const arb = fc.tuple(broadcastPair, fc.constantFrom(...BINARY)).chain(([[sa, sb], op]) => {
        const logical = op === 'logicalAnd' || op === 'logicalOr';
        const dtype = logical ? fc.constant<DType>('bool') : fc.constantFrom(...DTYPES);
        const special = REF_BINARY_SPECIALS.has(op);
        return fc.tuple(dtype, dtype).chain(([da, db]) => fc.tuple(fc.constant(op), tensorArb(sa, da, special), tensorArb(sb, db, special)));
      });
      await fc.assert(
        fc.asyncProperty(arb, async ([op, a, b]) => {
          const out = binaryOutDType(op, a.dtype, b.dtype);
          const want = refElementwise([a, b], out, (x, y) => REF_BINARY[op](x, y, out));
          const got = await ctx.run((x, y) => ops[op](x, y), [a, b]);
          expectTensor(got, want.dtype, want.shape, Array.from(want.data), ctx.rtol(out));
        }),
        { numRuns: 200, seed: 0x5eed01 },
      );
    });

    it('where broadcasts three shapes, any dtypes for a and b', async () => {
      const triple = shapeArb(4).chain((out) => {
        const one = fc.oneof({ arbitrary: fc.constant(false), weight: 2 }, { arbitrary: fc.constant(true), weight: 1 });
        const derive = fc.array(one, { minLength: out.length, maxLength: out.length }).map((ones) => out.map((d, i) => (ones[i] ? 1 : d)));
        return fc.tuple(derive, derive, derive);
      });
      const arb = fc.tuple(triple, fc.constantFrom(...DTYPES), fc.constantFrom(...DTYPES))
        .chain(([[sc, sa, sb], da, db]) => fc.tuple(tensorArb(sc, 'bool'), tensorArb(sa, da, true), tensorArb(sb, db, true)));
      await fc.assert(
        fc.asyncProperty(arb, async ([c, a, b]) => {
          const out = promote(a.dtype, b.dtype);
          const want = refElementwise([c, a, b], out, (p, x, y) => (p !== 0 ? x : y));
          const got = await ctx.run((p, x, y) => ops.where(p, x, y), [c, a, b]);
          expectTensor(got, want.dtype, want.shape, Array.from(want.data), ctx.rtol(out));
        }),
        { ...RUNS, seed: 0x5eed06 },
      );
    });

    it('sum, mean, max, min over random axes (none, some, all; negative; keepDims)', async () => {
      const arb = shapeArb(4).chain((shape) =>
        fc.tuple(
          fc.constantFrom('sum', 'mean', 'max', 'min' as const),
          fc.constantFrom<DType>('float32', 'float64', 'int32', 'uint8', 'bool'),
          fc.option(fc.subarray(shape.map((_, i) => i)).chain((axes) => fc.shuffledSubarray(axes, { minLength: axes.length })
            .map((ax) => ax.map((a) => (a % 2 === 0 ? a - shape.length : a)))), { nil: null }),
          fc.boolean(),
        ).chain(([op, dtype, axes, keep]) => fc.tuple(fc.constant(op), tensorArb(shape, dtype, true), fc.constant(axes), fc.constant(keep)))
      );
      await fc.assert(
        fc.asyncProperty(arb, async ([op, x, axes, keep]) => {
          const outDType: DType = op === 'mean' ? (x.dtype === 'float64' ? 'float64' : 'float32')
            : op === 'sum' && !isFloat(x.dtype) ? 'int32' : x.dtype;
          const want = refReduce(x, axes, keep, op, outDType);
          const got = await ctx.run((t) => ops[op](t, axes, keep), [x]);
          expectTensor(got, want.dtype, want.shape, Array.from(want.data), ctx.rtol(outDType));
        }),
        { ...RUNS, seed: 0x5eed02 },
      );
    });

    it('argmax and argmin along a random axis, or flattened', async () => {
      const arb = fc.array(fc.constantFrom(1, 2, 3, 4), { minLength: 1, maxLength: 3 }).chain((shape) =>
        fc.tuple(
          fc.constantFrom('argmax', 'argmin' as const),
          fc.option(fc.integer({ min: -shape.length, max: shape.length - 1 }), { nil: undefined }),
          tensorArb(shape, 'float32', true),
        ));
      await fc.assert(
        fc.asyncProperty(arb, async ([op, axis, x]) => {
          const want = refReduce(x, axis === undefined ? null : [axis], false, op, 'int32');
          const got = await ctx.run((t) => ops[op](t, axis), [x]);
          expectTensor(got, 'int32', want.shape, Array.from(want.data), 0);
        }),
        { ...RUNS, seed: 0x5eed03 },
      );
    });

    it('matmul of random (batched, broadcast, 1-D, empty) shapes and dtypes', async () => {
      const size = fc.oneof({ arbitrary: fc.integer({ min: 2, max: 9 }), weight: 4 }, { arbitrary: fc.constantFrom(0, 1), weight: 1 });
      const batch = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 });
      const arb = fc.tuple(size, size, size, batch, fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
        fc.constantFrom<DType>('float32', 'float64', 'int32', 'uint8'), fc.constantFrom<DType>('float32', 'int32'))
        .chain(([m, k, n, bt, [vecA, vecB, dropA, onesB], da, db]) => {
          const batchA = dropA ? bt.slice(1) : bt;
          const batchB = onesB ? bt.map(() => 1) : bt;
          const sa = vecA ? [k] : [...batchA, m, k];
          const sb = vecB ? [k] : [...batchB, k, n];
          return fc.tuple(tensorArb(sa, da), tensorArb(sb, db));
        });
      await fc.assert(
        fc.asyncProperty(arb, async ([a, b]) => {
          const out = promote(a.dtype, b.dtype);
          const want = refMatmul(a, b, out);
          const got = await ctx.run((x, y) => ops.matmul(x, y), [a, b]);
          expectTensor(got, want.dtype, want.shape, Array.from(want.data), ctx.rtol(out));
        }),
        { ...RUNS, seed: 0x5eed04 },
      );
    });

    it('transpose by a random permutation', async () => {
      const arb = shapeArb(4).chain((shape) =>
        fc.tuple(fc.shuffledSubarray(shape.map((_, i) => i), { minLength: shape.length }), tensorArb(shape, 'int32')));
      await fc.assert(
        fc.asyncProperty(arb, async ([perm, x]) => {
          const want = refTranspose(x, perm);
          const got = await ctx.run((t) => ops.transpose(t, perm), [x]);
          expectTensor(got, 'int32', want.shape, Array.from(want.data), 0);
        }),
        { ...RUNS, seed: 0x5eed05 },
      );
    });
  });
}
