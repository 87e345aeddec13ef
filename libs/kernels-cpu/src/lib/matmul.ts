import { isInt, Kernel } from '@weir/dataflow';
import { matmulImpl } from './matmul_impl';

/**
 * matmul(a, b) with NumPy's rules (batch broadcast, 1-D operands); the loops are in matmul_impl.ts.
 *
 * ```ts
 * ops.matmul(tensor([[1, 2]]), tensor([[3], [4]])); // [[11]]
 * ```
 */
export const matmulKernel: Kernel = ({ inputs: [a, b], out }) => {
  matmulImpl(a.data, a.shape, b.data, b.shape, out.data, isInt(out.dtype));
};
