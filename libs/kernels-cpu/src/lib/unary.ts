import { isInt, Kernel, UnaryOp } from '@weir/dataflow';
import { UNARY_FNS } from './unary_fns';

/**
 * The kernel of a unary elementwise op: maps the op's scalar function over the input (read as JS numbers,
 * whatever its dtype) into the output's typed array.
 *
 * ```ts
 * registerKernel('cpu', 'exp', unaryKernel('exp'));
 * ```
 */
export function unaryKernel(op: UnaryOp): Kernel {
  const fns = UNARY_FNS[op];
  return ({ inputs: [x], out }) => {
    const fn = isInt(out.dtype) && fns.int !== undefined ? fns.int : fns.float;
    const src = x.data;
    const dst = out.data;
    for (let i = 0; i < dst.length; i++) dst[i] = fn(src[i]);
  };
}
