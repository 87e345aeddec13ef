import { DType, DTYPES, isDType } from '../../core/dtype';
import { Dim, formatShape, normalizeAxis, SymShape } from '../../core/shape';
import { argError, AttrValue, Inferred, OpError, ValueInfo } from '../contract';

export function requireDType(op: string, arg: string, x: ValueInfo, allowed: readonly DType[]): void {
  if (!allowed.includes(x.dtype)) {
    throw argError(op, arg, `has dtype ${x.dtype}; expected ${allowed.join(' or ')}`);
  }
}

export function attrDType(op: string, v: AttrValue | undefined): DType {
  if (!isDType(v)) throw argError(op, 'dtype', `is ${JSON.stringify(v)}; expected one of ${DTYPES.join(', ')}`);
  return v;
}

export function attrInt(op: string, name: string, v: AttrValue | undefined): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw argError(op, name, `is ${JSON.stringify(v)}; expected an integer`);
  return v;
}

export function attrInts(op: string, name: string, v: AttrValue | undefined): number[] {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isInteger(d))) {
    throw argError(op, name, `is ${JSON.stringify(v)}; expected an array of integers`);
  }
  return v as number[];
}

/** Normalizes axis `a` of argument `arg` (rank `rank`), or throws naming the op and the argument. */
export function axisOf(op: string, name: string, a: AttrValue | undefined, rank: number): number {
  const n = normalizeAxis(attrInt(op, name, a), rank);
  if (n === null) throw argError(op, name, `is ${a}; expected an axis in [${-rank}, ${rank - 1}] for a rank-${rank} tensor`);
  return n;
}

/** Reduction axes: null means all; duplicates are an error. Returned sorted and non-negative. */
export function axesOf(op: string, v: AttrValue | undefined, rank: number): number[] {
  if (v === null || v === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof v === 'number' ? [v] : attrInts(op, 'axis', v);
  const out = list.map((a) => axisOf(op, 'axis', a, rank));
  if (new Set(out).size !== out.length) throw argError(op, 'axis', `is ${JSON.stringify(v)}; axes must not repeat`);
  return out.sort((a, b) => a - b);
}

export function dimsEqual(a: Dim, b: Dim): boolean {
  return a === null || b === null || a === b;
}

export function shapeStr(s: SymShape): string {
  return formatShape(s);
}

/**
 * Runs the inference of op `inner` on behalf of op `op`, a fused op built from it (fusedReduce from fused and
 * a reduction, matmulReduce from matmul and fusedReduce): an error `inner` raises about its own arguments is
 * reported as `op`'s, since those arguments are `op`'s.
 */
export function inferOnBehalf(op: string, inner: string, infer: () => Inferred): Inferred {
  try {
    return infer();
  } catch (e) {
    const from = ` passed to '${inner}' `;
    if (e instanceof OpError && e.op === inner && e.message.includes(from)) throw new OpError(op, e.message.replace(from, ` passed to '${op}' `));
    throw e;
  }
}
