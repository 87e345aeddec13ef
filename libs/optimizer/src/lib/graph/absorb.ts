import type { Attrs, ExprGraph } from '@weir/dataflow';
import { GraphWriter } from './writer';

/** A node that becomes `op(inputs, attrs)`, taking in `producer`, which nothing else reads. */
export interface Absorption {
  readonly producer: number;
  readonly op: string;
  /** The new node's inputs, as ids of the old graph. */
  readonly inputs: readonly number[];
  readonly attrs: Attrs;
}

/**
 * Rewrites each planned node (by id) into its new op, dropping the producer it absorbs; the other nodes are
 * copied. If the new op would not give the node's exact dtype and shape (not expected: the contracts say so),
 * the producer and the node stay as they were. Null if nothing was rewritten; else the graph and how many.
 *
 * ```ts
 * absorbInto(g, new Map([[sumId, { producer: fusedId, op: 'fusedReduce', inputs: [x], attrs }]]));
 * ```
 */
export function absorbInto(g: ExprGraph, plans: ReadonlyMap<number, Absorption>): { readonly graph: ExprGraph; readonly count: number } | null {
  if (plans.size === 0) return null;
  const absorbed = new Set([...plans.values()].map((p) => p.producer));
  const w = new GraphWriter(g);
  let count = 0;
  for (const n of g.nodes) {
    if (absorbed.has(n.id)) continue;
    const plan = plans.get(n.id);
    const id = plan === undefined ? null : w.opLike(n, plan.op, plan.inputs.map((i) => w.get(i)), plan.attrs);
    if (id === null) {
      if (plan !== undefined) w.copy(g.nodes[plan.producer]);
      w.copy(n);
      continue;
    }
    w.alias(n.id, id);
    count++;
  }
  return count === 0 ? null : { graph: w.finish(), count };
}
