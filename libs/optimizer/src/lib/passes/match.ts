import { getContract } from '@weir/dataflow';
import type { Attrs, Dim, ExprNode, SymShape, Tensor } from '@weir/dataflow';
import { allEqual } from '../graph/tensors';
import type { GraphWriter } from '../graph/writer';

/** A rule's answer: an existing node that replaces the matched one, a new node to write, or null. */
export type Rewrite = number | { readonly op: string; readonly inputs: readonly number[]; readonly attrs: Attrs } | null;

/**
 * Whether a value of shape `o`, broadcast against `k`, can never make the result larger than `k`: each of
 * its dimensions is 1, or equals a known dimension of `k`, or is unknown against a known dimension other
 * than 1 (then it is that size or 1, or the op fails anyway). Two unknown dimensions do not dominate: at run
 * time `k`'s could be 1 and `o`'s 5.
 */
export function dominated(o: SymShape, k: SymShape): boolean {
  if (o.length > k.length) return false;
  const off = k.length - o.length;
  return o.every((d: Dim, i: number) => {
    const kd = k[off + i];
    return d === 1 || (kd !== null && (d === kd || (d === null && kd !== 1)));
  });
}

export function isIdentityMatrix(t: Tensor): boolean {
  if (t.shape.length !== 2 || t.shape[0] !== t.shape[1]) return false;
  const n = t.shape[0];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (t.data[i * n + j] !== (i === j ? 1 : 0)) return false;
  return true;
}

/**
 * The node a simplification rule looks at, with its inputs already rewritten, and the questions rules ask
 * about it. Everything reads the graph being written, so rewrites cascade within one pass.
 */
export class Match {
  constructor(
    private readonly w: GraphWriter,
    /** The matched node, its inputs as ids in the graph being written. */
    readonly node: ExprNode,
  ) {}

  /** The id of input `k`. */
  in(k: number): number {
    return this.node.inputs[k];
  }

  /** A node of the graph being written. */
  at(id: number): ExprNode {
    return this.w.node(id);
  }

  /** The node of input `k`. */
  arg(k: number): ExprNode {
    return this.w.node(this.in(k));
  }

  /** The node's dtype is an integer (int32 or uint8). */
  get int(): boolean {
    return this.node.dtype === 'int32' || this.node.dtype === 'uint8';
  }

  /** Input `k` is a constant whose every element is `value` (Object.is: -0 is not 0). */
  isConst(k: number, value: number): boolean {
    const t = this.w.constOf(this.in(k));
    return t !== undefined && allEqual(t, value);
  }

  /** Input `k` is a constant identity matrix. */
  isIdentity(k: number): boolean {
    const t = this.w.constOf(this.in(k));
    return t !== undefined && isIdentityMatrix(t);
  }

  /** `kept`, when every other input of the node is dominated by its shape (it cannot broadcast larger). */
  keep(kept: number): number | null {
    const shape = this.w.node(kept).shape;
    return this.node.inputs.every((i) => i === kept || dominated(this.w.node(i).shape, shape)) ? kept : null;
  }

  /** For a binary op: the operand beside a constant operand `value`, on either side, if it can be kept. */
  beside(value: number): number | null {
    if (this.isConst(1, value)) return this.keep(this.in(0));
    if (this.isConst(0, value)) return this.keep(this.in(1));
    return null;
  }

  /** For a binary op: the constant operand `value`, on either side, if it can be kept. */
  constOperand(value: number): number | null {
    if (this.isConst(1, value)) return this.keep(this.in(1));
    if (this.isConst(0, value)) return this.keep(this.in(0));
    return null;
  }

  /** Input `k`'s producer when its op is `op`. */
  producer(k: number, op: string): ExprNode | null {
    const p = this.arg(k);
    return p.op === op ? p : null;
  }

  /** `x` for op(op(x)) where input `k` is op(x). */
  through(k: number, op: string): number | null {
    return this.producer(k, op)?.inputs[0] ?? null;
  }

  /** The node's attrs as its contract normalizes them. */
  attrs(node: ExprNode = this.node): Attrs {
    return getContract(node.op).infer(node.inputs.map((i) => this.w.node(i)), node.attrs).attrs ?? node.attrs;
  }

  /** Whether `op` is a view (reshape, expandDims, squeeze). */
  isView(node: ExprNode): boolean {
    return node.op !== 'input' && node.op !== 'const' && getContract(node.op).kind === 'view';
  }
}
