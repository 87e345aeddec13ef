import type { TypedArray } from '@weir/dataflow';
import type { Readable } from './broadcast_impl';

/**
 * Softmax (or log-softmax with `log`) along the middle axis of `data` viewed as `[outer, n, inner]`.
 * Numerically stable: the maximum along the axis is subtracted before `exp`, so large inputs do not
 * overflow; the sums are in double precision. A NaN anywhere along the axis makes that whole slice NaN.
 *
 * ```ts
 * const out = new Float64Array(2);
 * softmaxImpl([1000, 1000], 1, 2, 1, out, false); // [0.5, 0.5]
 * ```
 */
export function softmaxImpl(data: Readable, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      const end = base + n * inner;
      let max = -Infinity;
      for (let p = base; p < end; p += inner) {
        const x = data[p];
        if (x > max || x !== x) max = x;
        if (max !== max) break;
      }
      let sum = 0;
      for (let p = base; p < end; p += inner) sum += Math.exp(data[p] - max);
      if (log) {
        const logSum = Math.log(sum);
        for (let p = base; p < end; p += inner) out[p] = data[p] - max - logSum;
      } else {
        for (let p = base; p < end; p += inner) out[p] = Math.exp(data[p] - max) / sum;
      }
    }
  }
}
