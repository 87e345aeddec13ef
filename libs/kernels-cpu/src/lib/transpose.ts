import { Kernel, stridesOf } from '@weir/dataflow';
import { stridedCopyImpl } from './strided_impl';

/**
 * transpose(x, perm): walks `x` with its strides permuted, writing the output in order.
 *
 * ```ts
 * ops.transpose(tensor([[1, 2, 3], [4, 5, 6]])); // [[1, 4], [2, 5], [3, 6]]
 * ```
 */
export const transposeKernel: Kernel<{ perm: number[] }> = ({ inputs: [x], attrs, out }) => {
  const strides = stridesOf(x.shape);
  stridedCopyImpl(x.data, 0, attrs.perm.map((p) => strides[p]), out.shape, out.data);
};
