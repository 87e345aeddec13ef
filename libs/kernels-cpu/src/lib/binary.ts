import { BinaryOp, isInt, Kernel } from '@weir/dataflow';
import { BINARY_FNS } from './binary_fns';
import { broadcastBinaryImpl } from './broadcast_impl';

/**
 * The kernel of a binary elementwise op. Inputs may have different dtypes (promotion does not copy); the
 * output dtype picks the integer or float scalar rule.
 *
 * ```ts
 * registerKernel('cpu', 'add', binaryKernel('add'));
 * ```
 */
export function binaryKernel(op: BinaryOp): Kernel {
  const fns = BINARY_FNS[op];
  return ({ inputs: [a, b], out }) => {
    const fn = isInt(out.dtype) && fns.int !== undefined ? fns.int : fns.float;
    broadcastBinaryImpl(a.data, a.shape, b.data, b.shape, out.data, out.shape, fn);
  };
}
