import { ExprGraph, ExprNode, OutSpec, scalar, Tensor } from '@weir/dataflow';
import type { DType } from '@weir/dataflow';

/**
 * g2 ∘ g1 for two consecutive per-element stages: g2's inputs (the fields of g1's output, or its bare output)
 * become the nodes that compute them. Exact: g2 was traced against g1's output schema, so it already holds
 * the casts its weak (number and boolean) inputs needed. Returns null when g2 reads something g1 does not
 * produce as a node, a passed-through field or a literal.
 */
export function composeExprs(g1: ExprGraph, g2: ExprGraph, g2Bare: boolean): { graph: ExprGraph; output2: OutSpec } | null {
  const nodes: ExprNode[] = [...g1.nodes];
  const consts = new Map<number, Tensor>(g1.consts);
  const fieldOf = (name: string): OutSpec | null => {
    if (g2Bare) return g1.output.kind === 'record' ? null : g1.output;
    if (g1.output.kind !== 'record') return null;
    const f = g1.output.fields.find(([k]) => k === name);
    return f === undefined ? null : f[1];
  };
  const newId = new Map<number, number>();
  // What each of g2's inputs is, in g1's terms (for g2's output spec).
  const inputSpec: OutSpec[] = [];
  const push = (n: Omit<ExprNode, 'id'>): number => {
    const id = nodes.length;
    nodes.push({ ...n, id });
    return id;
  };
  for (const n of g2.nodes) {
    if (n.op === 'input') {
      const index = n.attrs.index as number;
      const spec = g2.inputs[index];
      const src = fieldOf(g2Bare ? 'x' : spec.name);
      if (src === null || src.kind === 'array' || src.kind === 'record') return null;
      inputSpec[index] = src;
      if (src.kind === 'node') newId.set(n.id, src.id);
      else if (src.kind === 'value' && (typeof src.value === 'number' || typeof src.value === 'boolean') && !spec.opaque) {
        const id = push({ op: 'const', inputs: [], attrs: {}, dtype: spec.dtype, shape: [] });
        consts.set(id, scalar(src.value, spec.dtype as DType));
        newId.set(n.id, id);
      } else if (!spec.opaque) return null; // a computed input that g1 passes through or gives as a string
      continue;
    }
    if (n.inputs.some((i) => !newId.has(i))) return null; // it computes with a string field
    const id = push({ ...n, inputs: n.inputs.map((i) => newId.get(i) as number) });
    if (n.op === 'const') consts.set(id, g2.consts.get(n.id) as Tensor);
    newId.set(n.id, id);
  }
  const remap = (o: OutSpec): OutSpec | null => {
    switch (o.kind) {
      case 'node': return { kind: 'node', id: newId.get(o.id) as number };
      case 'value': return o;
      case 'passthrough': return inputSpec[o.input] ?? null;
      case 'array': {
        const items = o.items.map(remap);
        return items.every((x) => x !== null) ? { kind: 'array', items: items as OutSpec[] } : null;
      }
      case 'record': {
        const fields = o.fields.map(([k, x]) => [k, remap(x)] as const);
        return fields.every(([, x]) => x !== null) ? { kind: 'record', fields: fields as [string, OutSpec][] } : null;
      }
    }
  };
  const output2 = remap(g2.output);
  if (output2 === null) return null;
  const effects = [...g1.effects, ...g2.effects.map((e) => newId.get(e) as number)];
  return { graph: { inputs: g1.inputs, nodes, consts, output: output2, effects }, output2 };
}

/**
 * The part of `g` that computes node `out` (its output set to that node): inputs it does not read drop out
 * of the nodes, though `g.inputs` is kept, so input indices stay valid. For composing a reduce's fold term
 * after a chain without its accumulator inputs.
 */
export function subgraph(g: ExprGraph, out: number): ExprGraph {
  const keep = new Uint8Array(g.nodes.length);
  keep[out] = 1;
  for (let id = out; id >= 0; id--) if (keep[id]) for (const i of g.nodes[id].inputs) keep[i] = 1;
  const newId = new Map<number, number>();
  const nodes: ExprNode[] = [];
  const consts = new Map<number, Tensor>();
  g.nodes.forEach((n, id) => {
    if (!keep[id]) return;
    newId.set(id, nodes.length);
    if (n.op === 'const') consts.set(nodes.length, g.consts.get(id) as Tensor);
    nodes.push({ ...n, id: nodes.length, inputs: n.inputs.map((i) => newId.get(i) as number) });
  });
  return { inputs: g.inputs, nodes, consts, output: { kind: 'node', id: newId.get(out) as number }, effects: [] };
}
