import type { Tensor } from '@weir/dataflow';

function bytesOf(t: Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

/** Equal dtype, shape and bytes: NaN equals a NaN with the same bits, and -0 differs from 0. */
export function tensorsIdentical(a: Tensor, b: Tensor): boolean {
  if (a === b) return true;
  if (a.dtype !== b.dtype || a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** A hash of a tensor's dtype, shape and bytes (FNV-1a), for bucketing before tensorsIdentical. */
export function tensorHash(t: Tensor): string {
  const bytes = bytesOf(t);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return `${t.dtype}[${t.shape.join(',')}]#${(h >>> 0).toString(16)}`;
}

/** Whether every element of `t` is `value` (compared with Object.is: -0 is not 0, NaN is NaN). */
export function allEqual(t: Tensor, value: number): boolean {
  const d = t.data;
  if (d.length === 0) return false;
  for (let i = 0; i < d.length; i++) if (!Object.is(d[i], value)) return false;
  return true;
}
