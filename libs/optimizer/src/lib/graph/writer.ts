import { getContract, shapesEqual } from '@weir/dataflow';
import type { Attrs, ExprGraph, ExprNode, OutSpec, Tensor, ValueInfo } from '@weir/dataflow';

/** Maps the node ids in an output spec. */
export function mapOut(out: OutSpec, f: (id: number) => number): OutSpec {
  switch (out.kind) {
    case 'node': return { kind: 'node', id: f(out.id) };
    case 'array': return { kind: 'array', items: out.items.map((o) => mapOut(o, f)) };
    case 'record': return { kind: 'record', fields: out.fields.map(([k, o]) => [k, mapOut(o, f)] as const) };
    default: return out;
  }
}

/**
 * Builds the graph a pass returns from the one it read. A pass walks the old nodes in order and, for each,
 * copies it, points it at a node already written (`alias`), or writes new nodes; every id it hands out is a
 * new id, so the result has ids = indices and inputs before their users by construction. One writer per pass
 * run: it is the pass's per-run state.
 *
 * ```ts
 * const w = new GraphWriter(g);
 * for (const n of g.nodes) w.copy(n);
 * const same = w.finish();
 * ```
 */
export class GraphWriter {
  private readonly nodes: ExprNode[] = [];
  private readonly consts = new Map<number, Tensor>();
  private readonly ids: Int32Array;

  constructor(readonly source: ExprGraph) {
    this.ids = new Int32Array(source.nodes.length).fill(-1);
  }

  /** The new id of old node `old`. */
  get(old: number): number {
    const id = this.ids[old];
    if (id < 0) throw new Error(`Optimizer: node %${old} is used after it was dropped`);
    return id;
  }

  /** A node already written, by its new id. */
  node(id: number): ExprNode {
    return this.nodes[id];
  }

  /** The value of a written const node, or undefined when `id` is not a const. */
  constOf(id: number): Tensor | undefined {
    return this.consts.get(id);
  }

  /** Writes old node `n` with its inputs mapped to their new ids. */
  copy(n: ExprNode): number {
    const id = this.push({ ...n, inputs: n.inputs.map((i) => this.get(i)) });
    if (n.op === 'const') this.consts.set(id, this.source.consts.get(n.id) as Tensor);
    this.ids[n.id] = id;
    return id;
  }

  /** Old node `old` is now the written node `id` (a rewrite replaced it). */
  alias(old: number, id: number): void {
    this.ids[old] = id;
  }

  /** What op `op` on written nodes `inputs` would give, without writing it (throws as the contract does). */
  infer(op: string, inputs: readonly number[], attrs: Attrs): ValueInfo {
    const r = getContract(op).infer(inputs.map((i) => this.nodes[i]), attrs);
    return { dtype: r.dtype, shape: r.shape };
  }

  /** Writes a new op node on written nodes; its dtype and shape come from the op's contract. */
  op(op: string, inputs: readonly number[], attrs: Attrs): number {
    const { dtype, shape } = this.infer(op, inputs, attrs);
    return this.push({ op, inputs: [...inputs], attrs, dtype, shape });
  }

  /** Like `op`, but only when the result has exactly `want`'s dtype and shape; otherwise writes nothing. */
  opLike(want: ValueInfo, op: string, inputs: readonly number[], attrs: Attrs): number | null {
    let info: ValueInfo;
    try {
      info = this.infer(op, inputs, attrs);
    } catch {
      return null;
    }
    if (info.dtype !== want.dtype || !shapesEqual(info.shape, want.shape)) return null;
    return this.push({ op, inputs: [...inputs], attrs, dtype: info.dtype, shape: info.shape });
  }

  /** Writes a const node holding `t`. */
  constant(t: Tensor): number {
    const id = this.push({ op: 'const', inputs: [], attrs: {}, dtype: t.dtype, shape: t.shape });
    this.consts.set(id, t);
    return id;
  }

  /** The new graph: same inputs, output and effects mapped to the new ids. */
  finish(): ExprGraph {
    const g = this.source;
    return {
      inputs: g.inputs,
      nodes: this.nodes,
      consts: this.consts,
      output: mapOut(g.output, (id) => this.get(id)),
      effects: g.effects.map((id) => this.get(id)),
    };
  }

  private push(n: Omit<ExprNode, 'id'>): number {
    const id = this.nodes.length;
    this.nodes.push({ ...n, id });
    return id;
  }
}
