/**
 * A reference implementation of the ops the property tests check, written to be obviously correct rather
 * than fast: every element is found by its nested index (unravel, map, ravel), with no strides, fast paths
 * or blocking. Results are stored through the same typed arrays as kernels' (so int32 wraps and float32
 * rounds the same way); int32 products are exact through BigInt.
 */
import { allocate, DType, isInt } from '../lib/core/dtype';
import { sizeOf } from '../lib/core/shape';
import { Tensor } from '../lib/core/tensor';

/** The nested index of flat position `i` in a row-major tensor of `shape`. `unravel(5, [2, 3]) // [1, 2]` */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

/** The flat position of a nested index. `ravel([1, 2], [2, 3]) // 5` */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let i = 0;
  for (let d = 0; d < shape.length; d++) i = i * shape[d] + idx[d];
  return i;
}

/** Builds a tensor of `dtype` and `shape` whose element at each nested index is `at(index)`. */
export function refBuild(dtype: DType, shape: readonly number[], at: (idx: number[]) => number): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) {
    const v = at(unravel(i, shape));
    data[i] = dtype === 'bool' ? (v !== 0 ? 1 : 0) : v;
  }
  return new Tensor(dtype, [...shape], data);
}

/** The element of `x` at a nested index of the broadcast shape `outShape` (NumPy: aligned on the right). */
export function refBroadcastRead(x: Tensor, idx: readonly number[], outShape: readonly number[]): number {
  const lead = outShape.length - x.rank;
  const own = x.shape.map((d, i) => (d === 1 ? 0 : idx[lead + i]));
  return x.data[ravel(own, x.shape)];
}

/** The NumPy broadcast of shapes (the reference's own, independent of shape.ts), or null. */
export function refBroadcastShape(...shapes: (readonly number[])[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const e = i < rank - s.length ? 1 : s[i - (rank - s.length)];
      if (e === d || e === 1) continue;
      if (d !== 1) return null;
      d = e;
    }
    out.push(d);
  }
  return out;
}

/**
 * An elementwise op over broadcast inputs, computed per output index.
 *
 * ```ts
 * refElementwise([a, b], 'float32', (x, y) => x + y);
 * ```
 */
export function refElementwise(inputs: readonly Tensor[], dtype: DType, fn: (...xs: number[]) => number): Tensor {
  const shape = refBroadcastShape(...inputs.map((x) => x.shape));
  if (shape === null) throw new Error('refElementwise: shapes do not broadcast');
  return refBuild(dtype, shape, (idx) => fn(...inputs.map((x) => refBroadcastRead(x, idx, shape))));
}

/** Floor division by the definition; an integer division by zero gives 0, a float one `a / b`. */
function refFloorDiv(a: number, b: number, out: DType): number {
  if (b === 0) return isInt(out) ? 0 : a / b;
  return Math.floor(a / b);
}

/** Integer power modulo 2^32; a negative exponent truncates the real result (0, or ±1 for a base of ±1). */
function refIntPow(a: number, b: number): number {
  if (b < 0) return a === 1 ? 1 : a === -1 ? (b % 2 === 0 ? 1 : -1) : 0;
  return Number(BigInt.asIntN(32, BigInt(a) ** BigInt(b)));
}

/**
 * Reference scalar rules for the binary ops the property tests draw from, by output dtype. floorDiv, mod
 * and pow are written for finite inputs only (the suite checks their NaN and Infinity rules by hand).
 */
export const REF_BINARY: Readonly<Record<string, (a: number, b: number, out: DType) => number>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b, out) => (out === 'int32' ? Number(BigInt.asIntN(32, BigInt(a) * BigInt(b))) : a * b),
  div: (a, b) => a / b,
  floorDiv: refFloorDiv,
  // a - floor(a / b) * b: the remainder with the divisor's sign
  mod: (a, b, out) => (b === 0 ? (isInt(out) ? 0 : NaN) : a - refFloorDiv(a, b, out) * b),
  pow: (a, b, out) => (isInt(out) ? refIntPow(a, b) : a ** b),
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a > b ? a : b),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? a : b),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

/** Which ops' reference rules above hold for NaN and ±Infinity inputs too. */
export const REF_BINARY_SPECIALS: ReadonlySet<string> = new Set([
  'add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual',
]);

export type RefReduceOp = 'sum' | 'mean' | 'max' | 'min' | 'argmax' | 'argmin';

/**
 * A reduction: every input element is filed under its output index (its kept coordinates), then each
 * list is folded in plain JS. `axes` null means all. Empty lists give sum 0, mean NaN, max -Infinity and
 * min Infinity (an integer output gets its dtype's extreme instead).
 *
 * ```ts
 * refReduce(x, [1], false, 'sum', 'float32');
 * ```
 */
export function refReduce(x: Tensor, axes: readonly number[] | null, keepDims: boolean, op: RefReduceOp, dtype: DType): Tensor {
  const all = axes === null ? x.shape.map((_, i) => i) : axes.map((a) => (a < 0 ? a + x.rank : a));
  const keptShape = x.shape.map((d, i) => (all.includes(i) ? 1 : d));
  const outShape = x.shape.flatMap((d, i) => (!all.includes(i) ? [d] : keepDims ? [1] : []));
  const lists: { value: number; pos: number }[][] = Array.from({ length: sizeOf(keptShape) }, () => []);
  for (let i = 0; i < x.size; i++) {
    const idx = unravel(i, x.shape);
    const kept = idx.map((v, d) => (all.includes(d) ? 0 : v));
    // pos: the position along the reduced axes (the flat index when reducing everything), for argmax.
    const reducedIdx = idx.filter((_, d) => all.includes(d));
    const reducedShape = x.shape.filter((_, d) => all.includes(d));
    lists[ravel(kept, keptShape)].push({ value: x.data[i], pos: ravel(reducedIdx, reducedShape) });
  }
  const fold = (list: { value: number; pos: number }[]): number => {
    const vs = list.map((e) => e.value);
    const hasNaN = vs.some((v) => Number.isNaN(v));
    switch (op) {
      case 'sum':
        return isInt(dtype) ? Number(BigInt.asIntN(32, vs.reduce((s, v) => s + BigInt(v), 0n))) : vs.reduce((s, v) => s + v, 0);
      case 'mean':
        return vs.reduce((s, v) => s + v, 0) / vs.length;
      case 'max':
        return hasNaN ? NaN : vs.length === 0 ? extreme(dtype, -1) : Math.max(...vs);
      case 'min':
        return hasNaN ? NaN : vs.length === 0 ? extreme(dtype, 1) : Math.min(...vs);
      case 'argmax':
      case 'argmin': {
        const firstNaN = list.find((e) => Number.isNaN(e.value));
        if (firstNaN !== undefined) return firstNaN.pos;
        const best = op === 'argmax' ? Math.max(...vs) : Math.min(...vs);
        return (list.find((e) => e.value === best) as { pos: number }).pos;
      }
    }
  };
  const data = allocate(dtype, lists.length);
  lists.forEach((l, i) => (data[i] = fold(l)));
  return new Tensor(dtype, outShape, data);
}

function extreme(dtype: DType, sign: 1 | -1): number {
  const ints: Partial<Record<DType, [number, number]>> = { int32: [-2147483648, 2147483647], uint8: [0, 255], bool: [0, 1] };
  const range = ints[dtype];
  if (range === undefined) return sign * Infinity;
  return sign < 0 ? range[0] : range[1];
}

/**
 * NumPy's matmul by the definition: for every output index, the sum over k of a[..., i, k] * b[..., k, j],
 * with 1-D operands promoted and their dimension dropped, batch dimensions broadcast. Integer outputs sum
 * exactly (BigInt) and wrap modulo 2^32.
 *
 * ```ts
 * refMatmul(tensor([[1, 2]]), tensor([[3], [4]]), 'float32'); // [[11]]
 * ```
 */
export function refMatmul(a: Tensor, b: Tensor, dtype: DType): Tensor {
  const as = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bs = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const a2 = new Tensor(a.dtype, as, a.data);
  const b2 = new Tensor(b.dtype, bs, b.data);
  const batch = refBroadcastShape(as.slice(0, -2), bs.slice(0, -2));
  if (batch === null) throw new Error('refMatmul: batch shapes do not broadcast');
  const [m, k, n] = [as[as.length - 2], as[as.length - 1], bs[bs.length - 1]];
  const full = refBuild(dtype, [...batch, m, n], (idx) => {
    const bi = idx.slice(0, batch.length);
    const [i, j] = idx.slice(batch.length);
    let sum = 0;
    let exact = 0n;
    for (let p = 0; p < k; p++) {
      const x = refBroadcastRead(a2, [...bi, i, p], [...batch, m, k]);
      const y = refBroadcastRead(b2, [...bi, p, j], [...batch, k, n]);
      if (isInt(dtype)) exact += BigInt(x) * BigInt(y);
      else sum += x * y;
    }
    return isInt(dtype) ? Number(BigInt.asIntN(32, exact)) : sum;
  });
  const shape = [...batch, ...(a.rank > 1 ? [m] : []), ...(b.rank > 1 ? [n] : [])];
  return new Tensor(dtype, shape, full.data);
}

/** transpose by the definition: out[idx] = x[idx permuted back]. */
export function refTranspose(x: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => x.shape[p]);
  return refBuild(x.dtype, shape, (idx) => {
    const src = new Array<number>(x.rank);
    perm.forEach((p, i) => (src[p] = idx[i]));
    return x.data[ravel(src, x.shape)];
  });
}
