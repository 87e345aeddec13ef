import { liveNodes } from '@weir/dataflow';
import { GraphWriter } from '../graph/writer';
import { definePass, nodes } from '../pass';

/**
 * Dead-node pruning: keeps what the outputs and the effects need (print nodes and their inputs stay) and the
 * input nodes (one per input of the graph, whether used or not); removes the rest. This is non-strict
 * execution made permanent: an unused op that would fail never runs.
 *
 * ```ts
 * // %1 = exp(%0) (unused); return %0 -> return %0
 * pruning.run(g);
 * ```
 */
export const pruning = definePass('pruning', (g) => {
  const keep = new Uint8Array(g.nodes.length);
  for (const id of liveNodes(g)) keep[id] = 1;
  for (const n of g.nodes) if (n.op === 'input') keep[n.id] = 1;
  const removed = g.nodes.length - keep.reduce((a, b) => a + b, 0);
  if (removed === 0) return null;
  const w = new GraphWriter(g);
  for (const n of g.nodes) if (keep[n.id]) w.copy(n);
  return { graph: w.finish(), count: removed, summary: `removed ${nodes(removed)}` };
});
