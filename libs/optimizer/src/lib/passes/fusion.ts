import { BINARY_OPS, shapesEqual, UNARY_OPS } from '@weir/dataflow';
import type { ExprGraph, ExprNode } from '@weir/dataflow';
import { usesOf } from '../graph/uses';
import { GraphWriter } from '../graph/writer';
import { definePass, nodes } from '../pass';
import { buildProgram } from './fusion-program';

/** Ops a fused program can hold: the unary and binary elementwise ops, where and cast. */
export const FUSIBLE: ReadonlySet<string> = new Set<string>([...UNARY_OPS, ...BINARY_OPS, 'where', 'cast']);

/** At most this many ops in one fused node: bounds the generated code and the grouping work. */
export const MAX_GROUP = 256;

/**
 * Groups of fusible nodes, each a root and the producers that only the group reads. Walks roots from the
 * last node back; a producer joins when every one of its consumers is already in the group (so its value is
 * never needed outside), it is not an output or effect input, and it has the root's shape, or one element
 * (fusing a smaller producer into a larger loop would compute it once per output element, not once).
 */
function findGroups(g: ExprGraph): number[][] {
  const { consumers, external } = usesOf(g);
  const taken = new Uint8Array(g.nodes.length);
  const groups: number[][] = [];
  for (let root = g.nodes.length - 1; root >= 0; root--) {
    const r = g.nodes[root];
    if (taken[root] || !FUSIBLE.has(r.op)) continue;
    taken[root] = 1;
    const group = new Set<number>([root]);
    // Candidates in decreasing id order: a producer is decided after all its possible in-group consumers.
    const candidates = new Set<number>(r.inputs);
    while (candidates.size > 0 && group.size < MAX_GROUP) {
      const c = Math.max(...candidates);
      candidates.delete(c);
      const n = g.nodes[c];
      const fits = FUSIBLE.has(n.op) && !taken[c] && !external[c] && consumers[c].every((k) => group.has(k)) && sizedLike(n, r);
      if (!fits) continue;
      group.add(c);
      taken[c] = 1;
      for (const i of n.inputs) candidates.add(i);
    }
    if (group.size >= 2) groups.push([...group].sort((a, b) => a - b));
  }
  return groups;
}

function sizedLike(n: ExprNode, root: ExprNode): boolean {
  return shapesEqual(n.shape, root.shape) || n.shape.every((d) => d === 1);
}

/**
 * Elementwise fusion: each connected group of elementwise ops (with the scalars and constants they read)
 * becomes one `fused` node holding a small program, which the CPU backend compiles into one JS loop: one
 * pass over memory instead of one per op, and no intermediate tensors. Runs last (see the pass manager).
 *
 * ```ts
 * // relu(x * 2 + b): mul, add, relu -> %4 = fused(%0, %3, program=...)
 * fusion.run(g);
 * ```
 */
export const fusion = definePass('fusion', (g) => {
  const groups = findGroups(g);
  if (groups.length === 0) return null;
  const members = new Map<number, number[]>();
  const absorbed = new Uint8Array(g.nodes.length);
  for (const group of groups) {
    members.set(group[group.length - 1], group);
    for (const id of group.slice(0, -1)) absorbed[id] = 1;
  }
  const w = new GraphWriter(g);
  let fusedOps = 0;
  let fusedNodes = 0;
  for (const n of g.nodes) {
    if (absorbed[n.id]) continue;
    const group = members.get(n.id);
    const f = group === undefined ? null : buildProgram(g, group);
    const id = f === null ? null : w.opLike(n, 'fused', f.inputs.map((i) => w.get(i)), f.attrs);
    if (id === null) {
      // Not expected (a group's program gives its root's dtype and shape); then the group stays unfused.
      if (group !== undefined) for (const m of group.slice(0, -1)) w.copy(g.nodes[m]);
      w.copy(n);
      continue;
    }
    w.alias(n.id, id);
    fusedOps += (group as number[]).length;
    fusedNodes++;
  }
  return { graph: w.finish(), count: fusedOps, summary: `fused ${nodes(fusedOps)} into ${fusedNodes}` };
});
