import { isTracedStage } from '@weir/dataflow';
import type { ExprGraph, OutSpec, StreamGraph } from '@weir/dataflow';

/** Stages that hand each row on whole: what is needed after them is needed before them. */
const PASSES_ROWS_ON = new Set(['filter', 'keyBy', 'take', 'skip']);
/** Traced stages whose callback consumes the row: only what it reads is needed before it. */
const CONSUMES_ROWS = new Set(['map', 'flatMap', 'scan', 'reduce']);

/**
 * The decision of the stream pass projectionPushdown (Polars' projection pushdown): the source fields that
 * some stage reads or that reach the output, or null for "all of them". `g` is the pipeline traced against
 * its source schema (`g.input`). Walking from the source, filters, keyBys, takes and skips pass rows on whole,
 * so they add what they read; the first map, flatMap, scan or reduce consumes the row, so it adds what it
 * reads and nothing after it can read a source field again. Null when the stream is bare, when a stage before
 * that point reads whole rows (a graph break, a tap, a window, zip or merge) or does not match the schema,
 * and when rows reach the output whole (no stage consumes them).
 *
 * What a stage reads is taken from its graph as traced, before expression passes, every node counted (dead
 * ones too): a batch that fails re-runs the user's callback per element, and that callback touches every
 * field its trace did, so each must still be there.
 *
 * ```ts
 * // input a, b, c, d; filter(r => ops.greater(r.a, 0)) then map(r => ({ y: ops.mul(r.b, 2) }))
 * projectionPushdown(g); // Set { 'a', 'b' }: c and d need not be read at all
 * ```
 */
export function projectionPushdown(g: StreamGraph): ReadonlySet<string> | null {
  if (g.bare) return null;
  const names = g.input.map((f) => f.name);
  const needed = new Set<string>();
  for (const s of g.stages) {
    if (s.kind === 'take' || s.kind === 'skip') continue;
    if (!isTracedStage(s) || s.expr === null) return null;
    const graph = s.traced ?? s.expr;
    // A scan or reduce step reads its accumulator first, then the row: the row's fields are the last inputs.
    const rowInputs = s.kind === 'scan' || s.kind === 'reduce' ? graph.inputs.length - names.length : 0;
    if (rowInputs < 0 || (rowInputs === 0 && graph.inputs.length !== names.length)) return null;
    if (names.some((name, i) => graph.inputs[rowInputs + i].name !== name)) return null;
    for (const i of inputsTouched(graph)) if (i >= rowInputs) needed.add(names[i - rowInputs]);
    if (CONSUMES_ROWS.has(s.kind)) return needed;
    if (!PASSES_ROWS_ON.has(s.kind)) return null;
  }
  return null;
}

/** The input indices a graph touches: arguments of any node (live or dead), outputs and passthroughs. */
function inputsTouched(g: ExprGraph): Set<number> {
  const touched = new Set<number>();
  const inputOf = (id: number): void => {
    const n = g.nodes[id];
    if (n.op === 'input') touched.add(n.attrs.index as number);
  };
  for (const n of g.nodes) if (n.op !== 'input') n.inputs.forEach(inputOf);
  const out = (o: OutSpec): void => {
    if (o.kind === 'node') inputOf(o.id);
    else if (o.kind === 'passthrough') touched.add(o.input);
    else if (o.kind === 'array') o.items.forEach(out);
    else if (o.kind === 'record') o.fields.forEach(([, x]) => out(x));
  };
  out(g.output);
  return touched;
}
