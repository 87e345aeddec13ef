import type { ExprNode } from '@weir/dataflow';
import { Match, Rewrite } from './match';

/** One algebraic rewrite of nodes of one op. */
export interface Rule {
  readonly op: string;
  readonly name: string;
  readonly rewrite: (m: Match) => Rewrite;
}

const perm = (m: Match, n: ExprNode = m.node): number[] => m.attrs(n).perm as number[];
const isIdentityPerm = (p: readonly number[]): boolean => p.every((x, i) => x === i);
/** transpose(transpose(x, p), q) is transpose(x, r) with r[i] = p[q[i]] (or x when r is the identity). */
const composeTransposes = (m: Match): Rewrite => {
  const inner = m.producer(0, 'transpose');
  if (inner === null) return null;
  const p = perm(m).map((q) => perm(m, inner)[q]);
  return isIdentityPerm(p) ? inner.inputs[0] : { op: 'transpose', inputs: [inner.inputs[0]], attrs: { perm: p } };
};
const hasOneUnknown = (n: ExprNode): boolean => n.shape.filter((d) => d === null).length <= 1;
const sameShape = (a: ExprNode, b: ExprNode): boolean => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
/**
 * A view whose output shape is known from its traced shape. squeeze() with no axis is not, when its input
 * has an unknown dimension: which axes it drops depends on the sizes it meets at run time.
 */
const staticView = (m: Match, n: ExprNode): boolean => n.op !== 'squeeze' || n.attrs.axis != null || !m.at(n.inputs[0]).shape.includes(null);
/** A view of a view reads the innermost input directly: reshape to the final shape (null becomes -1). */
const viewOfView = (m: Match): Rewrite => {
  const inner = m.arg(0);
  if (!m.isView(inner) || !staticView(m, inner) || !staticView(m, m.node) || !hasOneUnknown(m.node)) return null;
  const x = m.at(inner.inputs[0]);
  if (sameShape(x, m.node)) return x.id;
  return { op: 'reshape', inputs: [x.id], attrs: { shape: m.node.shape.map((d) => d ?? -1) } };
};
/** A view to the shape its input already has (at most one unknown dimension, so sizes pin it) is that input. */
const viewToSameShape = (m: Match): Rewrite =>
  (staticView(m, m.node) && sameShape(m.arg(0), m.node) && hasOneUnknown(m.node) ? m.in(0) : null);

/**
 * The algebraic simplifications, one a line. Only rewrites that give bit-identical results for every input
 * (NaN, ±Infinity and -0 included) are here, or ones guarded by dtype. Every rewrite must also keep the node's
 * dtype and shape; the pass checks that, and `keep` refuses to drop an operand that could broadcast the
 * result larger (x + zeros([3]) is not x when x is a scalar).
 */
export const RULES: readonly Rule[] = [
  { op: 'add', name: 'x + 0 -> x (integers: in floats -0 + 0 is +0)', rewrite: (m) => (m.int ? m.beside(0) : null) },
  { op: 'add', name: 'x + -0 -> x (exact for every float, -0 and NaN included)', rewrite: (m) => m.beside(-0) },
  { op: 'sub', name: 'x - 0 -> x (x - +0 is x + -0: exact)', rewrite: (m) => (m.isConst(1, 0) ? m.keep(m.in(0)) : null) },
  { op: 'mul', name: 'x * 1 -> x (NaN * 1 is NaN, -0 * 1 is -0)', rewrite: (m) => m.beside(1) },
  { op: 'mul', name: 'x * 0 -> 0 (integers: in floats NaN * 0 is NaN and -1 * 0 is -0)', rewrite: (m) => (m.int ? m.constOperand(0) : null) },
  { op: 'div', name: 'x / 1 -> x', rewrite: (m) => (m.isConst(1, 1) ? m.keep(m.in(0)) : null) },
  { op: 'floorDiv', name: 'floorDiv(x, 1) -> x (integers: floorDiv(0.5, 1) is 0)', rewrite: (m) => (m.int && m.isConst(1, 1) ? m.keep(m.in(0)) : null) },
  { op: 'pow', name: 'pow(x, 1) -> x (pow(NaN, 1) is NaN)', rewrite: (m) => (m.isConst(1, 1) ? m.keep(m.in(0)) : null) },
  { op: 'logicalAnd', name: 'x && true -> x', rewrite: (m) => m.beside(1) },
  { op: 'logicalOr', name: 'x || false -> x', rewrite: (m) => m.beside(0) },
  { op: 'maximum', name: 'maximum(x, x) -> x', rewrite: (m) => (m.in(0) === m.in(1) ? m.in(0) : null) },
  { op: 'minimum', name: 'minimum(x, x) -> x', rewrite: (m) => (m.in(0) === m.in(1) ? m.in(0) : null) },
  { op: 'logicalAnd', name: 'x && x -> x', rewrite: (m) => (m.in(0) === m.in(1) ? m.in(0) : null) },
  { op: 'logicalOr', name: 'x || x -> x', rewrite: (m) => (m.in(0) === m.in(1) ? m.in(0) : null) },
  { op: 'neg', name: 'neg(neg(x)) -> x (int32 too: -(-(-2^31)) wraps back)', rewrite: (m) => m.through(0, 'neg') },
  { op: 'logicalNot', name: 'logicalNot(logicalNot(x)) -> x', rewrite: (m) => m.through(0, 'logicalNot') },
  { op: 'abs', name: 'abs(abs(x)) -> abs(x)', rewrite: (m) => (m.producer(0, 'abs') ? m.in(0) : null) },
  { op: 'relu', name: 'relu(relu(x)) -> relu(x)', rewrite: (m) => (m.producer(0, 'relu') ? m.in(0) : null) },
  { op: 'cast', name: 'cast(x, dtype of x) -> x', rewrite: (m) => (m.arg(0).dtype === m.node.dtype ? m.in(0) : null) },
  { op: 'where', name: 'where(true, a, b) -> a (a constant condition)', rewrite: (m) => (m.isConst(0, 1) ? m.keep(m.in(1)) : null) },
  { op: 'where', name: 'where(false, a, b) -> b', rewrite: (m) => (m.isConst(0, 0) ? m.keep(m.in(2)) : null) },
  { op: 'transpose', name: 'transpose(x, identity perm) -> x', rewrite: (m) => (isIdentityPerm(perm(m)) ? m.in(0) : null) },
  { op: 'transpose', name: 'transpose(transpose(x, p), q) -> transpose(x, p[q])', rewrite: composeTransposes },
  { op: 'reshape', name: 'reshape(x) to the shape of x -> x', rewrite: viewToSameShape },
  { op: 'squeeze', name: 'squeeze(x) to the shape of x -> x', rewrite: viewToSameShape },
  ...['reshape', 'expandDims', 'squeeze'].map((op): Rule => ({ op, name: `${op}(view(x)) -> reshape(x) (a chain of views is one reshape)`, rewrite: viewOfView })),
  { op: 'matmul', name: 'matmul(I, x) -> x (integers: in floats 0 * NaN is NaN)', rewrite: (m) => (m.int && m.isIdentity(0) ? m.in(1) : null) },
  { op: 'matmul', name: 'matmul(x, I) -> x (integers)', rewrite: (m) => (m.int && m.isIdentity(1) ? m.in(0) : null) },
];
