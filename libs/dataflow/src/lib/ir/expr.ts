import type { DType } from '../core/dtype';
import type { SymShape } from '../core/shape';
import type { Tensor } from '../core/tensor';
import type { Attrs } from '../ops/contract';

/**
 * The expression IR: one traced function as an SSA graph. Nodes are in topological order (a node's inputs
 * have smaller ids); ids are indices into `nodes`.
 * - `input`: parameter `attrs.index` of the function (a tensor argument, or a record field).
 * - `const`: a captured value, kept in `consts` (a Tensor).
 * - any op name from op-names.ts: a call of that op. `print` nodes are effects: no value, always run.
 * Shapes are per element for pipeline stages (the batch dimension is implicit) and may hold null (unknown).
 */
export interface ExprNode {
  readonly id: number;
  readonly op: string;
  readonly inputs: readonly number[];
  readonly attrs: Attrs;
  readonly dtype: DType;
  readonly shape: SymShape;
  /** For inputs: a number field rather than a tensor (weak, see dtype.ts). */
  readonly weak?: boolean;
}

/** What a traced function returns: a tree whose leaves are nodes or plain JSON values. */
export type OutSpec =
  | { readonly kind: 'node'; readonly id: number }
  | { readonly kind: 'value'; readonly value: string | number | boolean | null }
  | { readonly kind: 'passthrough'; readonly input: number }
  | { readonly kind: 'array'; readonly items: readonly OutSpec[] }
  | { readonly kind: 'record'; readonly fields: readonly (readonly [string, OutSpec])[] };

export interface InputSpec {
  /** A readable name: `x`, `args[1]`, or a record field name. */
  readonly name: string;
  readonly dtype: DType;
  readonly shape: SymShape;
  readonly weak?: boolean;
  /** A string field: not traced, only passed through to the output. */
  readonly opaque?: boolean;
}

export interface ExprGraph {
  readonly inputs: readonly InputSpec[];
  readonly nodes: readonly ExprNode[];
  readonly consts: ReadonlyMap<number, Tensor>;
  readonly output: OutSpec;
  /** Effect nodes (print), in program order. */
  readonly effects: readonly number[];
}

export function outputNodeIds(out: OutSpec, acc: number[] = []): number[] {
  switch (out.kind) {
    case 'node': acc.push(out.id); break;
    case 'array': out.items.forEach((o) => outputNodeIds(o, acc)); break;
    case 'record': out.fields.forEach(([, o]) => outputNodeIds(o, acc)); break;
    default: break;
  }
  return acc;
}

/**
 * The nodes needed for the outputs and the effects, in topological order. Graph execution runs only these
 * (non-strict execution: an unused op that would throw eagerly does not run).
 */
export function liveNodes(g: ExprGraph): number[] {
  const live = new Uint8Array(g.nodes.length);
  const stack = [...outputNodeIds(g.output), ...g.effects];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    if (live[id]) continue;
    live[id] = 1;
    for (const i of g.nodes[id].inputs) stack.push(i);
  }
  const out: number[] = [];
  for (let i = 0; i < live.length; i++) if (live[i]) out.push(i);
  return out;
}
