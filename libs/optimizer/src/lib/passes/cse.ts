import { getContract } from '@weir/dataflow';
import type { Attrs, ExprNode, Tensor } from '@weir/dataflow';
import { GraphWriter } from '../graph/writer';
import { tensorHash, tensorsIdentical } from '../graph/tensors';
import { definePass, nodes } from '../pass';
import { attrsKey } from './attrs-key';

/** Attrs as the contract normalizes them (axis -1 and axis 1 of a rank-2 input are the same node). */
function normalized(w: GraphWriter, op: string, inputs: readonly number[], attrs: Attrs): Attrs {
  try {
    return getContract(op).infer(inputs.map((i) => w.node(i)), attrs).attrs ?? attrs;
  } catch {
    return attrs;
  }
}

/**
 * Common-subexpression elimination: a node with the same op, the same inputs and equal attrs as an earlier
 * node is that node; constants are the same when dtype, shape and bytes are (so NaN payloads and -0 count).
 * Effects (print) are never merged, and neither are inputs. One pass merges whole duplicate subtrees, since
 * inputs are compared after their own merging.
 *
 * ```ts
 * // %1 = exp(%0); %2 = exp(%0); %3 = add(%1, %2) -> %1 = exp(%0); %2 = add(%1, %1)
 * cse.run(g);
 * ```
 */
export const cse = definePass('cse', (g) => {
  const w = new GraphWriter(g);
  const seen = new Map<string, number[]>();
  let merged = 0;
  const constOf = (n: ExprNode): Tensor => g.consts.get(n.id) as Tensor;
  // Op keys are exact; const keys are hashes, so a hit is confirmed byte by byte.
  const same = (n: ExprNode, candidate: number): boolean =>
    n.op !== 'const' || tensorsIdentical(constOf(n), w.constOf(candidate) as Tensor);
  for (const n of g.nodes) {
    if (n.op === 'input' || n.op === 'print') {
      w.copy(n);
      continue;
    }
    const inputs = n.inputs.map((i) => w.get(i));
    const key = n.op === 'const'
      ? `const|${tensorHash(constOf(n))}`
      : `${n.op}|${n.dtype}|${inputs.join(',')}|${attrsKey(normalized(w, n.op, inputs, n.attrs))}`;
    const bucket = seen.get(key);
    const hit = bucket?.find((c) => same(n, c));
    if (hit !== undefined) {
      w.alias(n.id, hit);
      merged++;
      continue;
    }
    const id = w.copy(n);
    if (bucket === undefined) seen.set(key, [id]);
    else bucket.push(id);
  }
  return merged === 0 ? null : { graph: w.finish(), count: merged, summary: `merged ${nodes(merged)} into earlier equal ones` };
});
