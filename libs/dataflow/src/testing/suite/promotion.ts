import type { DType } from '../../lib/core/dtype';
import type { NestedArray, Tensor } from '../../lib/core/tensor';
import { ops, tensor } from '../../index';
import type { SuiteContext } from '../harness';

const D: readonly DType[] = ['bool', 'uint8', 'int32', 'float32', 'float64'];

/** The promotion table of dtype.ts, written out: row = a, column = b. */
const PROMOTE: Record<DType, Record<DType, DType>> = {
  bool: { bool: 'bool', uint8: 'uint8', int32: 'int32', float32: 'float32', float64: 'float64' },
  uint8: { bool: 'uint8', uint8: 'uint8', int32: 'int32', float32: 'float32', float64: 'float64' },
  int32: { bool: 'int32', uint8: 'int32', int32: 'int32', float32: 'float32', float64: 'float64' },
  float32: { bool: 'float32', uint8: 'float32', int32: 'float32', float32: 'float32', float64: 'float64' },
  float64: { bool: 'float64', uint8: 'float64', int32: 'float64', float32: 'float64', float64: 'float64' },
};

const make = (values: number[], dtype: DType): Tensor => tensor(dtype === 'bool' ? values.map((v) => v !== 0) : values, dtype);

type Case = [string, (...xs: Tensor[]) => Tensor, Tensor[], DType, NestedArray];

const i32 = tensor([1, 2], 'int32');
const u8 = tensor([1, 2], 'uint8');
const b = tensor([true, false]);
const f64 = tensor([1, 2], 'float64');
const c = tensor([true, false]);

/** Plain JS numbers and booleans are weak: they take the tensor's dtype when they fit its kind. */
const WEAK: Case[] = [
  // A JS number is a double: meeting an integer or bool tensor it gives float32 whatever its value, so the
  // type never depends on data (graph mode types a number field before it sees one).
  ['int32 + 1 -> float32 (a JS number is a double)', (x) => ops.add(x, 1), [i32], 'float32', [2, 3]],
  ['1 + int32 -> float32 (weak on the left)', (x) => ops.add(1, x), [i32], 'float32', [2, 3]],
  ['int32 + int32 scalar tensor -> int32', (x) => ops.add(x, tensor(1, 'int32')), [i32], 'int32', [2, 3]],
  ['int32 + 1.5 -> float32', (x) => ops.add(x, 1.5), [i32], 'float32', [2.5, 3.5]],
  ['uint8 + 1 -> float32', (x) => ops.add(x, 1), [u8], 'float32', [2, 3]],
  ['uint8 * 0.5 -> float32', (x) => ops.mul(x, 0.5), [u8], 'float32', [0.5, 1]],
  ['bool + 1 -> float32', (x) => ops.add(x, 1), [b], 'float32', [2, 1]],
  ['bool + true -> int32 (add never gives bool)', (x) => ops.add(x, true), [b], 'int32', [2, 1]],
  ['logicalAnd(bool, true) -> bool', (x) => ops.logicalAnd(x, true), [b], 'bool', [true, false]],
  ['float64 * 2 -> float64', (x) => ops.mul(x, 2), [f64], 'float64', [2, 4]],
  ['float64 + 0.1 -> float64 (no float32 rounding of 0.1)', (x) => ops.add(x, 0.1), [f64], 'float64', [1.1, 2.1]],
  ['int32 maximum 1.5 -> float32', (x) => ops.maximum(x, 1.5), [i32], 'float32', [1.5, 2]],
  ['greater(int32, 1.5) -> bool', (x) => ops.greater(x, 1.5), [i32], 'bool', [false, true]],
  ['0.1 + 0.2 (both weak) -> float64, as JS computes it', () => ops.add(0.1, 0.2), [], 'float64', 0.1 + 0.2],
  ['1 + true (both weak) -> float64', () => ops.add(1, true), [], 'float64', 2],
  ['true + true (both weak) -> int32', () => ops.add(true, true), [], 'int32', 2],
  ['logicalOr(true, false) -> bool', () => ops.logicalOr(true, false), [], 'bool', true],
  ['where(c, int32, 1) -> float32', (x, y) => ops.where(x, y, 1), [c, i32], 'float32', [1, 1]],
  ['where(c, int32, true) -> int32 (a boolean takes the tensor dtype)', (x, y) => ops.where(x, y, true), [c, i32], 'int32', [1, 1]],
  ['where(c, 1, 2) -> float64 (no tensor among a and b)', (x) => ops.where(x, 1, 2), [c], 'float64', [1, 2]],
  ['where(c, bool, false) -> bool', (x, y) => ops.where(x, y, false), [c, b], 'bool', [true, false]],
  ['where(c, uint8, 2.5) -> float32', (x, y) => ops.where(x, y, 2.5), [c, u8], 'float32', [1, 2.5]],
  ['where(c, float64, 7) -> float64', (x, y) => ops.where(x, y, 7), [c, f64], 'float64', [1, 7]],
];

export function describePromotion(ctx: SuiteContext): void {
  describe('dtype promotion', () => {
    it('add follows the promotion table for every pair, with bool + bool giving int32', async () => {
      for (const da of D) {
        for (const db of D) {
          const want = PROMOTE[da][db] === 'bool' ? 'int32' : PROMOTE[da][db];
          await ctx.expectRun((x, y) => ops.add(x, y), [make([1, 0], da), make([1, 1], db)], want, [2], [2, 1]);
        }
      }
    });

    it('maximum keeps the promoted dtype (bool included); comparisons always give bool', async () => {
      for (const da of D) {
        for (const db of D) {
          const want = PROMOTE[da][db];
          await ctx.expectRun((x, y) => ops.maximum(x, y), [make([1, 0], da), make([0, 0], db)], want, [2], want === 'bool' ? [true, false] : [1, 0]);
          await ctx.expectRun((x, y) => ops.greaterEqual(x, y), [make([1, 0], da), make([0, 1], db)], 'bool', [2], [true, false]);
        }
      }
    });

    it('div gives float32, or float64 when either input is float64', async () => {
      for (const da of D) {
        for (const db of D) {
          const want = da === 'float64' || db === 'float64' ? 'float64' : 'float32';
          await ctx.expectRun((x, y) => ops.div(x, y), [make([1, 0], da), make([1, 1], db)], want, [2], [1, 0]);
        }
      }
    });

    for (const [name, f, inputs, dtype, values] of WEAK) {
      it(`weak values: ${name}`, async () => {
        const shape = Array.isArray(values) ? [values.length] : [];
        await ctx.expectRun(f, inputs, dtype, shape, values);
      });
    }
  });
}
