import { registerAttrFormatter } from '@weir/dataflow';
import type { Attrs } from '@weir/dataflow';
import { formatFusedProgram } from './fusion-format';

/**
 * A fusedReduce node's attrs as the reduction of the expression it folds, for explain().
 *
 * ```ts
 * formatFusedReduce(node.attrs); // 'sum(relu(($0 * 2) + $1), axis=[1])'
 * ```
 */
export function formatFusedReduce(attrs: Attrs): string {
  const keep = attrs.keepDims === true ? ', keepDims' : '';
  return `${String(attrs.reduce)}(${formatFusedProgram(attrs.program)}, axis=${JSON.stringify(attrs.axis ?? null)}${keep})`;
}

// explain() shows fusedReduce nodes as the reduction of the expression they compute.
registerAttrFormatter('fusedReduce', formatFusedReduce);
