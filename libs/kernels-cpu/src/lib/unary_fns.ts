import type { UnaryOp } from '@weir/dataflow';
import { relu, sigmoid } from './scalar_fns';

/** A scalar function an elementwise kernel maps over its input. */
export type UnaryFn = (x: number) => number;

/**
 * Scalar functions of the unary ops. `int` is used when the output dtype is an integer and the float rule
 * would be wrong there (a square past 2^53 loses the low bits that int32 wrap-around keeps); otherwise
 * `float` serves every dtype, and the store into the output's typed array does the wrapping.
 *
 * ```ts
 * UNARY_FNS.square.int!(65536); // 0, as int32 wraps
 * ```
 */
export const UNARY_FNS: Readonly<Record<UnaryOp, { readonly float: UnaryFn; readonly int?: UnaryFn }>> = {
  neg: { float: (x) => -x },
  abs: { float: Math.abs },
  sign: { float: Math.sign },
  exp: { float: Math.exp },
  log: { float: Math.log },
  sqrt: { float: Math.sqrt },
  square: { float: (x) => x * x, int: (x) => Math.imul(x, x) },
  // NaN stays NaN; -0 becomes 0.
  relu: { float: relu },
  sigmoid: { float: sigmoid },
  tanh: { float: Math.tanh },
  logicalNot: { float: (x) => (x === 0 ? 1 : 0) },
};
