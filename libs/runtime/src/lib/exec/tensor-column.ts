import { allocate, Tensor } from '@weir/dataflow';
import type { Shape, TypedArray } from '@weir/dataflow';
import type { Column } from './batch';

// Why the per-row loop below reads things the way it does. A source runs it once per row of every tensor
// column, and on Node 20 (V8 11.3) each of these was an out-of-line call per row (~10 ns each; the loop went
// from ~50 ns a row to ~20):
// - An imported binding compiles to a getter on the exporting module's object: `Tensor` is read once, here.
// - `d.buffer` / `d.byteOffset` compile to IC calls; calling the %TypedArray% getters themselves does not.
// - An element of a frozen array (a tensor's shape) is read through a generic keyed load: the first row's
//   dimension is held in a local, and a rank-1 shape compares its one dimension without a loop.
const TensorClass = Tensor;
const typedArrayProto = Object.getPrototypeOf(Int8Array.prototype) as object;
const bufferOf = Object.getOwnPropertyDescriptor(typedArrayProto, 'buffer')?.get as (this: unknown) => ArrayBufferLike;
const byteOffsetOf = Object.getOwnPropertyDescriptor(typedArrayProto, 'byteOffset')?.get as (this: unknown) => number;

/**
 * One field's values as a tensor column `[n, ...shape]` when every one is a tensor of the first's dtype and
 * shape; null otherwise (the caller keeps them as plain values). When the tensors are views lying back to back
 * in one buffer (records cut from one array, or the rows of a batch read back out), the column is that stretch
 * of the buffer itself: no copy. Tensors are immutable, so sharing their memory is safe. Otherwise the rows are
 * copied.
 *
 * ```ts
 * const buf = new Float32Array(8);
 * tensorColumn([0, 1].map((i) => new Tensor('float32', [4], buf.subarray(4 * i, 4 * i + 4))));
 * // { kind: 'tensor', tensor: Tensor(float32, [2, 4]) } whose data is buf itself
 * ```
 */
export function tensorColumn(values: readonly unknown[]): Column | null {
  const n = values.length;
  const first = values[0];
  if (n === 0 || !(first instanceof TensorClass)) return null;
  const { dtype, shape } = first;
  const rank = shape.length;
  const dim0 = shape[0];
  const firstData = first.data;
  const buffer = firstData.buffer;
  const bytes = firstData.byteLength;
  // One pass checks type, dtype, shape and adjacency together. Adjacency is plain arithmetic: each row must
  // start in the same buffer where the one before it ended.
  let adjacent = n > 1 && bytes > 0;
  let next = firstData.byteOffset + bytes;
  for (let i = 1; i < n; i++) {
    const t = values[i];
    if (!(t instanceof TensorClass) || t.dtype !== dtype) return null;
    const s = t.shape;
    if (s !== shape && (s.length !== rank || (rank === 1 ? s[0] !== dim0 : !sameDims(s, shape)))) return null;
    if (adjacent) {
      adjacent = startsAt(t.data, buffer, next);
      next += bytes;
    }
  }
  const data = adjacent ? viewOfRows(firstData, n) : copyRows(values as readonly Tensor[], first);
  return { kind: 'tensor', tensor: new Tensor(dtype, [n, ...shape], data) };
}

/** Whether `d` starts at `byteOffset` of `buffer`. */
function startsAt(d: TypedArray, buffer: ArrayBufferLike, byteOffset: number): boolean {
  try {
    return bufferOf.call(d) === buffer && byteOffsetOf.call(d) === byteOffset;
  } catch {
    // Not a typed array (a Tensor built by hand around something else): its properties, as they read.
    return d.buffer === buffer && d.byteOffset === byteOffset;
  }
}

/** Shapes of one rank, dimension by dimension. */
function sameDims(a: Shape, b: Shape): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `n` rows the size of `first`, starting where it does: the same buffer, no copy. */
function viewOfRows(first: TypedArray, n: number): TypedArray {
  const Ctor = first.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray;
  return new Ctor(first.buffer, first.byteOffset, first.length * n);
}

function copyRows(ts: readonly Tensor[], first: Tensor): TypedArray {
  const copy = allocate(first.dtype, ts.length * first.size);
  for (let i = 0; i < ts.length; i++) copy.set(ts[i].data, i * first.size);
  return copy;
}
