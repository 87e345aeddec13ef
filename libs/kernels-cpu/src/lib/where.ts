import type { Kernel } from '@weir/dataflow';
import { broadcastTernaryImpl } from './broadcast_impl';

const select = (c: number, x: number, y: number): number => (c !== 0 ? x : y);

/**
 * where(condition, a, b): `a` where the condition is true, else `b`, all three broadcast. `a` and `b` may
 * differ in dtype; the store into the promoted output converts.
 *
 * ```ts
 * ops.where(tensor([true, false]), 1, tensor([5, 6])); // [1, 6]
 * ```
 */
export const whereKernel: Kernel = ({ inputs: [c, a, b], out }) => {
  broadcastTernaryImpl(c.data, c.shape, a.data, a.shape, b.data, b.shape, out.data, out.shape, select);
};
