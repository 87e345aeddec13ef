import { argError, Kernel, Tensor } from '@weir/dataflow';

/**
 * Checks every index before any copying, so a bad one fails the op whole. Negative indices are out of
 * range (no Python-style wrap-around): an index from data that went negative is a bug worth reporting.
 */
function checkIndices(indices: Tensor, n: number, axis: number): void {
  const idx = indices.data;
  for (let j = 0; j < idx.length; j++) {
    const v = idx[j];
    if (v < 0 || v >= n) {
      const valid = n === 0 ? 'none is valid, as the axis is empty' : `expected an index in [0, ${n - 1}]`;
      throw argError('gather', 'indices', `contains ${v} at flat index ${j}, out of range for axis ${axis} of x (size ${n}); ${valid}`);
    }
  }
}

/**
 * gather(x, indices, axis): output `[...x.shape[:axis], ...indices.shape, ...x.shape[axis+1:]]`, one
 * contiguous block of `x` per index.
 *
 * ```ts
 * ops.gather(tensor([[1, 2], [3, 4], [5, 6]]), tensor([2, 0], 'int32')); // [[5, 6], [1, 2]]
 * ```
 */
export const gatherKernel: Kernel<{ axis: number }> = ({ inputs: [x, indices], attrs: { axis }, out }) => {
  const n = x.shape[axis];
  checkIndices(indices, n, axis);
  let outer = 1;
  let inner = 1;
  x.shape.forEach((d, i) => {
    if (i < axis) outer *= d;
    else if (i > axis) inner *= d;
  });
  const src = x.data;
  const idx = indices.data;
  const dst = out.data;
  const m = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const from = (o * n + idx[j]) * inner;
      const to = (o * m + j) * inner;
      if (inner === 1) dst[to] = src[from];
      else dst.set(src.subarray(from, from + inner), to);
    }
  }
};
