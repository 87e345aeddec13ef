import { getContract, runOp, shapesEqual, sizeOf } from '@weir/dataflow';
import type { ExprNode, Shape, Tensor } from '@weir/dataflow';
import { GraphWriter } from '../graph/writer';
import { definePass, nodes } from '../pass';

/**
 * Folded results larger than this (elements) stay as nodes: a huge constant costs memory in every saved
 * plan and trace cache, and creation ops such as zeros([4096, 4096]) are cheaper to run than to keep.
 */
export const FOLD_SIZE_LIMIT = 1 << 16;

/** Runs `n` on constant inputs with the registered kernels; null when it cannot (or must not) be folded. */
function evaluate(n: ExprNode, inputs: readonly Tensor[]): Tensor | null {
  if (n.shape.includes(null) || sizeOf(n.shape as Shape) > FOLD_SIZE_LIMIT) return null;
  try {
    const t = runOp(n.op, inputs, n.attrs) as Tensor;
    // Folded values keep the node's dtype and shape, or the fold does not happen.
    return t.dtype === n.dtype && shapesEqual(t.shape, n.shape) ? t : null;
  } catch {
    // No kernel registered, or the op fails on these values (an index out of range): leave it to run time,
    // where it fails only if something needs it (non-strict execution).
    return null;
  }
}

/**
 * Constant folding: a node whose inputs are all constants is evaluated now, with the kernels registered for
 * the current backend, and becomes a constant. Effects never fold; chains fold in one pass because each
 * folded node is a constant for the nodes after it.
 *
 * ```ts
 * // %2 = add(const 2, const 3) -> %2 = const 5
 * constantFolding.run(g);
 * ```
 */
export const constantFolding = definePass('constantFolding', (g) => {
  const w = new GraphWriter(g);
  let folded = 0;
  for (const n of g.nodes) {
    if (n.op !== 'input' && n.op !== 'const' && getContract(n.op).kind !== 'effect') {
      const values = n.inputs.map((i) => w.constOf(w.get(i)));
      if (values.every((t) => t !== undefined)) {
        const t = evaluate(n, values as Tensor[]);
        if (t !== null) {
          w.alias(n.id, w.constant(t));
          folded++;
          continue;
        }
      }
    }
    w.copy(n);
  }
  return folded === 0 ? null : { graph: w.finish(), count: folded, summary: `folded ${nodes(folded)}` };
});
