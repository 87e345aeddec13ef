import type { Kernel } from '@weir/dataflow';
import { softmaxImpl } from './softmax_impl';

/**
 * The kernel of softmax (`log` false) or logSoftmax (`log` true) along the contract's normalized axis. A
 * scalar is a one-element axis (softmax 1, logSoftmax 0).
 *
 * ```ts
 * ops.softmax(tensor([[1, 1], [0, Math.log(3)]])); // [[0.5, 0.5], [0.25, 0.75]]
 * ```
 */
export function softmaxKernel(log: boolean): Kernel<{ axis: number }> {
  return ({ inputs: [x], attrs: { axis }, out }) => {
    let outer = 1;
    let inner = 1;
    x.shape.forEach((d, i) => {
      if (i < axis) outer *= d;
      else if (i > axis) inner *= d;
    });
    softmaxImpl(x.data, outer, x.rank === 0 ? 1 : x.shape[axis], inner, out.data, log);
  };
}
