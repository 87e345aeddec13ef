import { Kernel, stridesOf } from '@weir/dataflow';
import { stridedCopyImpl } from './strided_impl';

/**
 * slice(x, begin, size): a strided walk of `x` from `begin`; the output's shape (inferred by the contract,
 * with size -1 resolved) gives the extent.
 *
 * ```ts
 * ops.slice(tensor([[1, 2, 3], [4, 5, 6]]), [0, 1], [2, -1]); // [[2, 3], [5, 6]]
 * ```
 */
export const sliceKernel: Kernel<{ begin: number[]; size: number[] }> = ({ inputs: [x], attrs, out }) => {
  const strides = stridesOf(x.shape);
  let offset = 0;
  attrs.begin.forEach((b, i) => (offset += b * strides[i]));
  stridedCopyImpl(x.data, offset, strides, out.shape, out.data);
};
