import type { Kernel } from '@weir/dataflow';

/**
 * cast(x, dtype). Integer targets rely on the typed-array store: floats truncate toward zero, NaN and
 * ±Infinity give 0, out-of-range values wrap. A bool target is `x != 0` (so NaN is true, as in NumPy).
 *
 * ```ts
 * ops.cast(tensor([-1.7, 2.9]), 'int32'); // [-1, 2]
 * ```
 */
export const castKernel: Kernel = ({ inputs: [x], out }) => {
  const src = x.data;
  const dst = out.data;
  if (out.dtype === 'bool') {
    for (let i = 0; i < dst.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
  } else {
    // TypedArray.prototype.set converts element by element with the same rules as an indexed store.
    dst.set(src);
  }
};
