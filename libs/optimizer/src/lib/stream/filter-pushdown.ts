import { liveNodes } from '@weir/dataflow';
import type { ExprGraph } from '@weir/dataflow';

/** The record fields a traced per-element graph actually reads (inputs its output or effects need). */
export function fieldsRead(g: ExprGraph): string[] {
  const read = new Set<number>();
  for (const id of liveNodes(g)) if (g.nodes[id].op === 'input') read.add(g.nodes[id].attrs.index as number);
  const passed = (o: ExprGraph['output']): void => {
    if (o.kind === 'passthrough') read.add(o.input);
    else if (o.kind === 'array') o.items.forEach(passed);
    else if (o.kind === 'record') o.fields.forEach(([, x]) => passed(x));
  };
  passed(g.output);
  return [...read].map((i) => g.inputs[i].name);
}

/**
 * The decision of the stream pass filterPushdown (Polars' predicate pushdown): may a filter that follows
 * `maps` run before them? Yes when the stream is made of records, every field the predicate reads leaves
 * every map exactly as it came in (passed through under its own name), and no map has an effect (`ops.print`
 * would run on fewer rows). The maps then compute only on the rows the filter keeps. One difference from
 * eager order, by design: a map that would throw on a row the filter drops no longer sees it.
 *
 * ```ts
 * // map(r => ({ ...r, y: ops.mul(r.x, 2) })) then filter(r => ops.greater(r.t, 0)): t passes through
 * filterReadsPassedThrough([mapGraph], filterGraph, [false]); // true
 * ```
 */
export function filterReadsPassedThrough(maps: readonly ExprGraph[], filter: ExprGraph, bareIn: readonly boolean[]): boolean {
  if (maps.length === 0 || bareIn.some((b) => b) || maps.some((m) => m.effects.length > 0)) return false;
  const wanted = fieldsRead(filter);
  if (wanted.length === 0) return false;
  return maps.every((m) => {
    if (m.output.kind !== 'record') return false;
    const fields = new Map(m.output.fields);
    return wanted.every((name) => {
      const o = fields.get(name);
      if (o === undefined) return false;
      // A field returned as it came: its input node, or (a string field) passed through.
      const input = o.kind === 'passthrough' ? o.input : o.kind === 'node' && m.nodes[o.id].op === 'input' ? (m.nodes[o.id].attrs.index as number) : -1;
      return input >= 0 && m.inputs[input].name === name;
    });
  });
}
