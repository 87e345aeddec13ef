import { getContract } from '@weir/dataflow';
import type { Attrs, ExprGraph, ExprNode } from '@weir/dataflow';
import { usesOf } from '../graph/uses';
import { absorbInto, Absorption } from '../graph/absorb';
import { definePass, nodes } from '../pass';

/** Plain reductions that become a matmulReduce of the program `$0`. */
const REDUCTIONS: ReadonlySet<string> = new Set(['sum', 'max', 'min']);

/**
 * The attrs of a matmulReduce doing what `n` does with the product as its slot 0, or null: a fusedReduce
 * keeps its own (its slot 0 is the product only if the product is its first input); a plain reduction
 * gets the program `$0` and its normalized axes.
 */
function reduceAttrs(n: ExprNode, product: ExprNode): Attrs | null {
  if (n.op === 'fusedReduce') return n.inputs[0] === product.id ? n.attrs : null;
  if (!REDUCTIONS.has(n.op)) return null;
  const norm = getContract(n.op).infer([product], n.attrs).attrs ?? {};
  const axes = norm.axes as readonly number[];
  if (axes.length === 0) return null;
  return { program: [['input', product.dtype, 0]], dtype: product.dtype, reduce: n.op, axis: axes, keepDims: norm.keepDims === true };
}

/**
 * A matmul whose product only a reduction reads (a fusedReduce, or a plain sum/max/min) becomes one
 * `matmulReduce` node with it, as Grappler's remapper makes `_FusedMatMul`: the CPU kernel then sums each
 * block of rows of the product in WebAssembly while it is in cache (for `sum(relu(x·W + b), -1)` and its
 * sub-forms) and never writes the product out. Other forms run the two kernels in turn, as before. Runs
 * after fusedReduce (see the pass manager), which builds the reduction it takes.
 *
 * ```ts
 * // fusedReduce(matmul(x, W), b, sum(relu($0 + $1), axis=[1])) -> matmulReduce(x, W, b, ...)
 * matmulReduce.run(g);
 * ```
 */
export const matmulReduce = definePass('matmulReduce', (g: ExprGraph) => {
  const { consumers, external } = usesOf(g);
  const plans = new Map<number, Absorption>();
  for (const n of g.nodes) {
    const p = g.nodes[n.inputs[0]];
    if (p === undefined || p.op !== 'matmul' || external[p.id] || consumers[p.id].length !== 1) continue;
    const attrs = reduceAttrs(n, p);
    if (attrs === null) continue;
    plans.set(n.id, { producer: p.id, op: 'matmulReduce', inputs: [...p.inputs, ...(n.op === 'fusedReduce' ? n.inputs.slice(1) : [])], attrs });
  }
  const done = absorbInto(g, plans);
  if (done === null) return null;
  const fused = done.count;
  return { graph: done.graph, count: fused, summary: `fused ${nodes(fused)} (matmul) into ${fused === 1 ? 'the reduction' : 'the reductions'} reading ${fused === 1 ? 'it' : 'them'}` };
});
