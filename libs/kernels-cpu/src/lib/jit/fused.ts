import type { Kernel } from '@weir/dataflow';
import { broadcastStrides, coalesce } from '../broadcast_impl';
import { fusedLoop } from './compile';

/**
 * The CPU kernel of `fused` (a fused elementwise program, see dataflow's contracts/fused.ts): one generated
 * JS loop per program and input layout. Inputs as large as the output are read by flat index, size-1 inputs
 * once before the loop; anything else broadcast makes a strided loop over the coalesced dimensions.
 *
 * ```ts
 * runOp('fused', [x, y], { program: [['input', 'float32', 0], ['input', 'float32', 1], ['add', 'float32', 0, 1]], dtype: 'float32' });
 * ```
 */
export const fusedKernel: Kernel = ({ inputs, attrs, out }) => {
  const n = out.data.length;
  if (n === 0) return;
  let kinds = '';
  for (const x of inputs) kinds += x.data.length === n ? 'f' : x.data.length === 1 ? 's' : 'b';
  const ins = inputs.map((x) => x.data);
  if (!kinds.includes('b')) {
    fusedLoop(attrs.program, kinds)(ins, out.data, n, [], []);
    return;
  }
  // Equal sizes mean the output's own layout, which the strided walk covers with contiguous strides.
  const c = coalesce(out.shape, inputs.map((x) => broadcastStrides(x.shape, out.shape)));
  fusedLoop(attrs.program, kinds.replace(/f/g, 'b'))(ins, out.data, n, c.shape, c.strides);
};
