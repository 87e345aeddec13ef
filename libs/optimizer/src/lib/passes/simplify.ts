import { shapesEqual } from '@weir/dataflow';
import type { ExprNode } from '@weir/dataflow';
import { GraphWriter } from '../graph/writer';
import { definePass, nodes } from '../pass';
import { Match } from './match';
import { Rule, RULES } from './simplify-rules';

const BY_OP = new Map<string, Rule[]>();
for (const r of RULES) BY_OP.set(r.op, [...(BY_OP.get(r.op) ?? []), r]);

/** The first rule that rewrites `n` (inputs already mapped) into a node with its dtype and shape. */
function simplifyNode(w: GraphWriter, n: ExprNode): number | null {
  for (const rule of BY_OP.get(n.op) ?? []) {
    const r = rule.rewrite(new Match(w, n));
    if (r === null) continue;
    if (typeof r === 'number') {
      const x = w.node(r);
      if (x.dtype === n.dtype && shapesEqual(x.shape, n.shape)) return r;
      continue;
    }
    const id = w.opLike(n, r.op, r.inputs, r.attrs);
    if (id !== null) return id;
  }
  return null;
}

/**
 * Algebraic simplification with the rule table in simplify-rules.ts. A node a rule rewrites is replaced by
 * an existing node or a new one with exactly its dtype and shape; the old node is left for pruning. Rules see
 * their inputs already rewritten, so neg(neg(neg(neg(x)))) becomes x in one pass.
 *
 * ```ts
 * // %2 = mul(%0, const 1) -> uses of %2 read %0
 * simplify.run(g);
 * ```
 */
export const simplify = definePass('simplify', (g) => {
  const w = new GraphWriter(g);
  let rewritten = 0;
  for (const n of g.nodes) {
    const mapped = n.op === 'input' || n.op === 'const' ? null : simplifyNode(w, { ...n, inputs: n.inputs.map((i) => w.get(i)) });
    if (mapped === null) {
      w.copy(n);
    } else {
      w.alias(n.id, mapped);
      rewritten++;
    }
  }
  return rewritten === 0 ? null : { graph: w.finish(), count: rewritten, summary: `simplified ${nodes(rewritten)}` };
});
