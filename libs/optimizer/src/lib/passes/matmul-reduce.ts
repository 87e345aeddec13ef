import { getContract } from '@weir/dataflow';
import type { Attrs, ExprGraph, ExprNode } from '@weir/dataflow';
import { usesOf } from '../graph/uses';
import { GraphWriter } from '../graph/writer';
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
  const plans = new Map<number, Attrs>();
  const absorbed = new Uint8Array(g.nodes.length);
  for (const n of g.nodes) {
    const p = g.nodes[n.inputs[0]];
    if (p === undefined || p.op !== 'matmul' || external[p.id] || consumers[p.id].length !== 1) continue;
    const attrs = reduceAttrs(n, p);
    if (attrs === null) continue;
    plans.set(n.id, attrs);
    absorbed[p.id] = 1;
  }
  if (plans.size === 0) return null;
  const w = new GraphWriter(g);
  let fused = 0;
  for (const n of g.nodes) {
    if (absorbed[n.id]) continue;
    const attrs = plans.get(n.id);
    const product = attrs === undefined ? undefined : g.nodes[n.inputs[0]];
    const id = attrs === undefined || product === undefined
      ? null
      : w.opLike(n, 'matmulReduce', [...product.inputs, ...(n.op === 'fusedReduce' ? n.inputs.slice(1) : [])].map((i) => w.get(i)), attrs);
    if (id === null) {
      // Not expected (the contract gives the reduction's dtype and shape); then the product stays as it was.
      if (product !== undefined) w.copy(product);
      w.copy(n);
      continue;
    }
    w.alias(n.id, id);
    fused++;
  }
  if (fused === 0) return null;
  return { graph: w.finish(), count: fused, summary: `fused ${nodes(fused)} (matmul) into ${fused === 1 ? 'the reduction' : 'the reductions'} reading ${fused === 1 ? 'it' : 'them'}` };
});
