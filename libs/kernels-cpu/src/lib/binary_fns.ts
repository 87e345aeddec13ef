import type { BinaryOp } from '@weir/dataflow';
import { floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow } from './scalar_fns';

/** A scalar function a binary elementwise kernel maps over its broadcast inputs. */
export type BinaryFn = (a: number, b: number) => number;

/**
 * Scalar functions of the binary ops. `int` is used when the output dtype is an integer (int32 or uint8):
 * exact modular products (Math.imul), flooring integer division with 0 for a zero divisor. `float` serves
 * the other dtypes; comparisons and logical ops write 0/1, as bool storage requires.
 *
 * ```ts
 * BINARY_FNS.mul.int!(65536, 65536);  // 0 (int32 wrap-around)
 * BINARY_FNS.mod.float(-1, 3);        // 2 (the divisor's sign)
 * ```
 */
export const BINARY_FNS: Readonly<Record<BinaryOp, { readonly float: BinaryFn; readonly int?: BinaryFn }>> = {
  add: { float: (a, b) => a + b },
  sub: { float: (a, b) => a - b },
  mul: { float: (a, b) => a * b, int: Math.imul },
  div: { float: (a, b) => a / b },
  mod: { float: floatMod, int: intMod },
  floorDiv: { float: floatFloorDiv, int: intFloorDiv },
  pow: { float: floatPow, int: intPow },
  // Math.max/min propagate NaN, as NumPy's maximum/minimum do.
  maximum: { float: Math.max },
  minimum: { float: Math.min },
  greater: { float: (a, b) => (a > b ? 1 : 0) },
  greaterEqual: { float: (a, b) => (a >= b ? 1 : 0) },
  less: { float: (a, b) => (a < b ? 1 : 0) },
  lessEqual: { float: (a, b) => (a <= b ? 1 : 0) },
  equal: { float: (a, b) => (a === b ? 1 : 0) },
  notEqual: { float: (a, b) => (a !== b ? 1 : 0) },
  logicalAnd: { float: (a, b) => (a !== 0 && b !== 0 ? 1 : 0) },
  logicalOr: { float: (a, b) => (a !== 0 || b !== 0 ? 1 : 0) },
};
