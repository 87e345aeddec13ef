import { getContract } from '@weir/dataflow';
import type { AttrValue, ExprGraph, ExprNode } from '@weir/dataflow';
import { usesOf } from '../graph/uses';
import { absorbInto, Absorption } from '../graph/absorb';
import { definePass, nodes } from '../pass';
import { FUSIBLE } from './fusion';
import { buildProgram, FusedNode } from './fusion-program';

/** The reductions a fusedReduce node can end in (dataflow's contracts/fused-reduce.ts). */
const REDUCTIONS: ReadonlySet<string> = new Set(['sum', 'max', 'min']);

/** The program computing `p` and its inputs: a fused node's own, or one elementwise op's. */
function producerProgram(g: ExprGraph, p: ExprNode): FusedNode | null {
  if (p.op === 'fused') return { inputs: p.inputs, attrs: { program: p.attrs.program as AttrValue, dtype: p.attrs.dtype as string } };
  return FUSIBLE.has(p.op) ? buildProgram(g, [p.id]) : null;
}

/**
 * The same program with an input of the highest rank in slot 0: graph-mode vectorization puts the batch
 * dimension in front of input 0 and shifts the reduced axes (which refer to the inputs' broadcast) by one,
 * which lines up only then. A loaded plan is checked for it too (dataflow's ir/validate.ts).
 */
function rankFirst(g: ExprGraph, f: FusedNode): FusedNode {
  const ranks = f.inputs.map((i) => g.nodes[i].shape.length);
  const first = ranks.indexOf(Math.max(...ranks));
  if (first <= 0) return f;
  const order = [first, ...f.inputs.keys()].filter((s, k) => k === 0 || s !== first);
  const slotOf = new Map(order.map((old, slot) => [old, slot]));
  const program = (f.attrs.program as AttrValue[][]).map((ins) => (ins[0] === 'input' ? [ins[0], ins[1], slotOf.get(ins[2] as number) as number] : ins));
  return { inputs: order.map((old) => f.inputs[old]), attrs: { ...f.attrs, program } };
}

/**
 * An elementwise producer feeding a reduction fuses into it: `sum`/`max`/`min` of a `fused` node (or of one
 * elementwise op) that nothing else reads becomes one `fusedReduce` node, which the CPU backend runs as one
 * loop that folds each element as it computes it: the elementwise result is never written to memory. Runs
 * after fusion (see the pass manager), so the producer is already one program.
 *
 * ```ts
 * // sum(where(notEqual(mod(y, 3), 0), y, 0)), y = x * 2 + 1: fused + sum -> fusedReduce(%0, program=..., reduce='sum')
 * fusedReduce.run(g);
 * ```
 */
export const fusedReduce = definePass('fusedReduce', (g) => {
  const { consumers, external } = usesOf(g);
  const plans = new Map<number, Absorption>();
  for (const n of g.nodes) {
    if (!REDUCTIONS.has(n.op)) continue;
    const p = g.nodes[n.inputs[0]];
    if (external[p.id] || consumers[p.id].length !== 1) continue;
    const f = producerProgram(g, p);
    const norm = getContract(n.op).infer([p], n.attrs).attrs ?? {};
    const axes = norm.axes as readonly number[];
    // Reducing no axis is a cast, not a fold; the contract refuses it.
    if (f === null || axes.length === 0) continue;
    const first = rankFirst(g, f);
    plans.set(n.id, { producer: p.id, op: 'fusedReduce', inputs: first.inputs, attrs: { ...first.attrs, reduce: n.op, axis: axes, keepDims: norm.keepDims === true } });
  }
  const done = absorbInto(g, plans);
  if (done === null) return null;
  const fused = done.count;
  return { graph: done.graph, count: fused, summary: `fused ${nodes(fused)} into ${fused === 1 ? 'the reduction' : 'the reductions'} reading ${fused === 1 ? 'it' : 'them'}` };
});
