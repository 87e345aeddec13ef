import { popRecorder, pushRecorder } from '../ops/engine';
import type { ExprGraph, InputSpec } from '../ir/expr';
import { GraphBuilder } from './builder';

/**
 * Traces `f` once: each input spec becomes a tracer (or an opaque string field), `build` arranges them into
 * the arguments f expects, and every op f calls on them is recorded. Plain JS in f runs now, once.
 *
 * ```ts
 * const g = traceGraph([{ name: 'x', dtype: 'float32', shape: [3] }], ([x]) => [x], (x) => ops.mul(x, 2));
 * ```
 */
export function traceGraph<A extends unknown[]>(
  inputs: readonly InputSpec[],
  build: (values: unknown[]) => A,
  f: (...args: A) => unknown,
): ExprGraph {
  const builder = new GraphBuilder();
  const values = inputs.map((spec) => builder.input(spec));
  pushRecorder(builder);
  try {
    const result = f(...build(values));
    return builder.finish(result);
  } finally {
    popRecorder();
  }
}
