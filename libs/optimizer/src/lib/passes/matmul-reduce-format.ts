import { registerAttrFormatter } from '@weir/dataflow';
import type { Attrs } from '@weir/dataflow';
import { formatFusedReduce } from './fused-reduce-format';

/**
 * A matmulReduce node's attrs for explain(): the reduction it computes, over `$0`, the product of its first
 * two inputs.
 *
 * ```ts
 * formatMatmulReduce(node.attrs); // '$0 = a·b; sum(relu($0 + $1), axis=[1])'
 * ```
 */
export function formatMatmulReduce(attrs: Attrs): string {
  return `$0 = a·b; ${formatFusedReduce(attrs)}`;
}

// explain() shows matmulReduce nodes as the reduction of the product they take.
registerAttrFormatter('matmulReduce', formatMatmulReduce);
