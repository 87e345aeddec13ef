import type { Shape, TypedArray } from '@weir/dataflow';

/** Anything a kernel reads elements from: a typed array, or a plain array in tests. */
export type Readable = ArrayLike<number>;

/**
 * Strides for reading a tensor of `shape` as if broadcast to `outShape` (NumPy rules, shapes aligned on the
 * right): a broadcast dimension gets stride 0.
 *
 * ```ts
 * broadcastStrides([3, 1], [2, 3, 4]); // [0, 1, 0]
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    strides[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Merges adjacent output dimensions that every operand walks contiguously (or not at all), and drops size-1
 * dimensions, so the inner loop runs as long as possible: `[4,5,6] + [5,6]` becomes one loop of 30 over
 * an outer loop of 4. A fully size-1 shape coalesces to rank 0, which callers handle as one element.
 *
 * ```ts
 * coalesce([4, 5, 6], [[30, 6, 1], [0, 6, 1]]); // { shape: [4, 30], strides: [[30, 1], [0, 1]] }
 * ```
 */
export function coalesce(shape: Shape, strides: readonly number[][]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d]);
    if (mergeable) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => (outStrides[k][last] = s[d]));
    } else {
      outShape.push(shape[d]);
      strides.forEach((s, k) => outStrides[k].push(s[d]));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * `out[i] = fn(a[ia], b[ib])` over the broadcast of `aShape` and `bShape` (which is `outShape`).
 * Same-size and scalar operands take a flat loop; anything else a strided loop over coalesced dimensions.
 *
 * ```ts
 * const out = new Float32Array(6);
 * broadcastBinaryImpl([1, 2, 3], [3], [10, 20], [2, 1], out, [2, 3], (x, y) => x + y);
 * // out: [11, 12, 13, 21, 22, 23]
 * ```
 */
export function broadcastBinaryImpl(
  a: Readable, aShape: Shape, b: Readable, bShape: Shape,
  out: TypedArray, outShape: Shape, fn: (x: number, y: number) => number,
): void {
  const n = out.length;
  if (n === 0) return;
  // Equal sizes imply the same row-major layout as the output (a broadcast dimension would shrink the size).
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = fn(a[i], b[i]);
    return;
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0];
    for (let i = 0; i < n; i++) out[i] = fn(x, b[i]);
    return;
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0];
    for (let i = 0; i < n; i++) out[i] = fn(a[i], y);
    return;
  }
  const c = coalesce(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  const shape = c.shape;
  const [as, bs] = c.strides;
  const rank = shape.length;
  const inner = shape[rank - 1];
  const sa = as[rank - 1];
  const sb = bs[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let ao = 0;
  let bo = 0;
  for (let p = 0; p < n; ) {
    for (let j = 0, ai = ao, bi = bo; j < inner; j++, ai += sa, bi += sb) out[p++] = fn(a[ai], b[bi]);
    // Odometer over the outer dimensions: step the last one, carrying into earlier ones.
    for (let d = rank - 2; d >= 0; d--) {
      ao += as[d];
      bo += bs[d];
      if (++idx[d] < shape[d]) break;
      ao -= as[d] * shape[d];
      bo -= bs[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * `out[i] = fn(a[ia], b[ib], c[ic])` over the broadcast of three shapes (`where`).
 *
 * ```ts
 * const out = new Int32Array(2);
 * broadcastTernaryImpl([1, 0], [2], [5], [], [7], [], out, [2], (c, x, y) => (c ? x : y)); // [5, 7]
 * ```
 */
export function broadcastTernaryImpl(
  a: Readable, aShape: Shape, b: Readable, bShape: Shape, c: Readable, cShape: Shape,
  out: TypedArray, outShape: Shape, fn: (x: number, y: number, z: number) => number,
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n && c.length === n) {
    for (let i = 0; i < n; i++) out[i] = fn(a[i], b[i], c[i]);
    return;
  }
  const co = coalesce(outShape, [aShape, bShape, cShape].map((s) => broadcastStrides(s, outShape)));
  const shape = co.shape;
  const [as, bs, cs] = co.strides;
  const rank = shape.length;
  const inner = shape[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let ao = 0;
  let bo = 0;
  let oc = 0;
  for (let p = 0; p < n; ) {
    for (let j = 0; j < inner; j++) {
      out[p++] = fn(a[ao + j * as[rank - 1]], b[bo + j * bs[rank - 1]], c[oc + j * cs[rank - 1]]);
    }
    for (let d = rank - 2; d >= 0; d--) {
      ao += as[d];
      bo += bs[d];
      oc += cs[d];
      if (++idx[d] < shape[d]) break;
      ao -= as[d] * shape[d];
      bo -= bs[d] * shape[d];
      oc -= cs[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * For each element of `outShape` (row-major), the flat index of the element of a `shape` tensor broadcast
 * to it. Meant for small index spaces, such as matmul's batch dimensions.
 *
 * ```ts
 * broadcastOffsets([2, 1], [2, 3]); // Int32Array [0, 0, 0, 1, 1, 1]
 * ```
 */
export function broadcastOffsets(shape: Shape, outShape: Shape): Int32Array {
  const strides = broadcastStrides(shape, outShape);
  let n = 1;
  for (const d of outShape) n *= d;
  const offsets = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let off = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      off += (rest % outShape[d]) * strides[d];
      rest = Math.floor(rest / outShape[d]);
    }
    offsets[i] = off;
  }
  return offsets;
}
