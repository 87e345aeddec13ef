import type { Kernel } from '@weir/dataflow';

// Creation kernels get the attrs as the caller wrote them (their contracts normalize nothing). The output
// may be a reused buffer, so even zeros writes every element.

const toStored = (value: number | boolean, dtype: string): number =>
  typeof value === 'boolean' ? (value ? 1 : 0) : dtype === 'bool' ? (value !== 0 ? 1 : 0) : value;

/** eye(n, dtype): the n x n identity. `ops.eye(2) // [[1, 0], [0, 1]]` */
export const eyeKernel: Kernel<{ n: number }> = ({ attrs: { n }, out }) => {
  out.data.fill(0);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
};

/** zeros(shape, dtype). `ops.zeros([2]) // [0, 0]` */
export const zerosKernel: Kernel = ({ out }) => {
  out.data.fill(0);
};

/** ones(shape, dtype). `ops.ones([2], 'bool') // [true, true]` */
export const onesKernel: Kernel = ({ out }) => {
  out.data.fill(1);
};

/** fill(shape, value, dtype): a number stored in a bool tensor is `value != 0`. `ops.fill([2], 7) // [7, 7]` */
export const fillKernel: Kernel<{ value: number | boolean }> = ({ attrs: { value }, out }) => {
  out.data.fill(toStored(value, out.dtype));
};

/**
 * range(start, stop, step, dtype): `start + i * step` (not a running sum, so float error does not build
 * up along the range). `ops.range(0, 1, 0.25) // [0, 0.25, 0.5, 0.75]`
 */
export const rangeKernel: Kernel<{ start: number; step: number }> = ({ attrs: { start, step }, out }) => {
  const dst = out.data;
  for (let i = 0; i < dst.length; i++) dst[i] = toStored(start + i * step, out.dtype);
};
