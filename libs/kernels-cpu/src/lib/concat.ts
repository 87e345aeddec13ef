import type { Kernel } from '@weir/dataflow';
import { joinImpl } from './join_impl';

const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/**
 * concat(xs, axis): each input contributes its block from `axis` on, row by row of the dimensions before.
 *
 * ```ts
 * ops.concat([tensor([[1], [2]]), tensor([[3], [4]])], 1); // [[1, 3], [2, 4]]
 * ```
 */
export const concatKernel: Kernel<{ axis: number }> = ({ inputs, attrs: { axis }, out }) => {
  const outer = product(out.shape.slice(0, axis));
  const chunks = inputs.map((x) => product(x.shape.slice(axis)));
  joinImpl(inputs.map((x) => x.data), chunks, outer, out.data);
};

/**
 * stack(xs, axis): concat along a new axis. The output's dimensions before `axis` are the inputs' and
 * each input contributes its block from `axis` on, exactly as for concat, so the kernel is the same.
 *
 * ```ts
 * ops.stack([tensor([1, 2]), tensor([3, 4])], 1); // [[1, 3], [2, 4]]
 * ```
 */
export const stackKernel: Kernel<{ axis: number }> = concatKernel;
