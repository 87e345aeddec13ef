import type { Shape, TypedArray } from '@weir/dataflow';
import { coalesce, Readable } from './broadcast_impl';

/**
 * Copies the elements of `src` reached from `offset` with `strides` over `shape`, in row-major order of
 * `shape`, into `dst` from `dstOffset`. Transpose is this with permuted strides, slice with an offset.
 *
 * ```ts
 * const dst = new Float32Array(6);
 * stridedCopyImpl([1, 2, 3, 4, 5, 6], 0, [1, 3], [3, 2], dst); // transpose of [2,3]: [1, 4, 2, 5, 3, 6]
 * ```
 */
export function stridedCopyImpl(
  src: Readable, offset: number, strides: readonly number[], shape: Shape, dst: TypedArray, dstOffset = 0,
): void {
  let n = 1;
  for (const d of shape) n *= d;
  if (n === 0) return;
  if (n === 1) {
    dst[dstOffset] = src[offset];
    return;
  }
  const c = coalesce(shape, [[...strides]]);
  const dims = c.shape;
  const st = c.strides[0];
  const rank = dims.length;
  const inner = dims[rank - 1];
  const step = st[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let so = offset;
  for (let p = dstOffset, end = dstOffset + n; p < end; ) {
    for (let j = 0, s = so; j < inner; j++, s += step) dst[p++] = src[s];
    for (let d = rank - 2; d >= 0; d--) {
      so += st[d];
      if (++idx[d] < dims[d]) break;
      so -= st[d] * dims[d];
      idx[d] = 0;
    }
  }
}
