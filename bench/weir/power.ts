/** Weir's side of the power benchmark: the user's code, as written for eager mode, and `fn` of it. */
import { fn, ops, tensor, Tensor } from '@weir/dataflow';
import '@weir/runtime';
import type { Runner } from '../harness';

/** The TensorFlow guide's function; `fn(power)` compiles this same function. */
export function power(x: Tensor, n: number): Tensor {
  let r = ops.eye(x.shape[0], x.dtype) as Tensor;
  for (let i = 0; i < n; i++) r = ops.matmul(r, x) as Tensor;
  return r;
}

export function eagerRunner(xs: Int32Array, size: number, n: number, calls: number): Runner {
  const x = tensor(xs, 'int32', [size, size]);
  return () => {
    let r = power(x, n);
    for (let c = 1; c < calls; c++) r = power(x, n);
    return Array.from(r.data);
  };
}

/** n is a plain number, so it is part of the trace key and the loop unrolls (TensorFlow does the same). */
export function graphRunner(
  xs: Int32Array, size: number, n: number, calls: number, info: (line: string) => void, passes?: Readonly<Record<string, boolean>>,
): Runner {
  const x = tensor(xs, 'int32', [size, size]);
  const compiled = fn(power, passes ? { passes } : {});
  const t0 = performance.now();
  compiled(x, n);
  info(`first call (trace) ${(performance.now() - t0).toFixed(1)} ms, not timed`);
  return () => {
    let r = compiled(x, n);
    for (let c = 1; c < calls; c++) r = compiled(x, n);
    return Array.from(r.data);
  };
}
