import type { AttrValue, ExprGraph, ExprNode } from '@weir/dataflow';

/** A fused node to write: its inputs (old ids, in slot order) and attrs (the program and output dtype). */
export interface FusedNode {
  readonly inputs: readonly number[];
  readonly attrs: { readonly program: AttrValue; readonly dtype: string };
}

/**
 * The `fused` program (format: dataflow's contracts/fused.ts) computing the group's root. `members` are old
 * node ids in topological order, the root last. Inputs from outside the group become slots, except rank-0
 * constants, which are written into the program as numbers (they cannot change the broadcast shape).
 */
export function buildProgram(g: ExprGraph, members: readonly number[]): FusedNode {
  const program: AttrValue[] = [];
  const slots: number[] = [];
  const value = new Map<number, number>();
  const leaf = (id: number): number => {
    const known = value.get(id);
    if (known !== undefined) return known;
    const n = g.nodes[id];
    const t = n.op === 'const' ? g.consts.get(id) : undefined;
    if (t !== undefined && t.shape.length === 0) program.push(['const', n.dtype, t.data[0]]);
    else {
      let slot = slots.indexOf(id);
      if (slot < 0) slot = slots.push(id) - 1;
      program.push(['input', n.dtype, slot]);
    }
    value.set(id, program.length - 1);
    return program.length - 1;
  };
  const inGroup = new Set(members);
  for (const id of members) {
    const n: ExprNode = g.nodes[id];
    const args = n.inputs.map((i) => (inGroup.has(i) ? (value.get(i) as number) : leaf(i)));
    program.push([n.op, n.dtype, ...args]);
    value.set(id, program.length - 1);
  }
  return { inputs: slots, attrs: { program, dtype: g.nodes[members[members.length - 1]].dtype } };
}
