import { outputNodeIds } from '@weir/dataflow';
import type { ExprGraph } from '@weir/dataflow';

/** Who reads each node: its consumers (one entry per use), and whether the output or an effect reads it. */
export interface Uses {
  readonly consumers: readonly (readonly number[])[];
  readonly external: Uint8Array;
}

/**
 * The uses of every node of `g`, dead consumers included (run pruning first when they should not count).
 *
 * ```ts
 * const { consumers, external } = usesOf(g);
 * const singleUse = (id: number) => consumers[id].length === 1 && !external[id];
 * ```
 */
export function usesOf(g: ExprGraph): Uses {
  const consumers: number[][] = g.nodes.map(() => []);
  for (const n of g.nodes) for (const i of n.inputs) consumers[i].push(n.id);
  const external = new Uint8Array(g.nodes.length);
  for (const id of outputNodeIds(g.output)) external[id] = 1;
  for (const id of g.effects) external[id] = 1;
  return { consumers, external };
}
