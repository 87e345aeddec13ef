import { allocate, Tensor } from '@weir/dataflow';
import type { AttrValue, DType } from '@weir/dataflow';
import { fusedReduceLoop } from './jit/compile';

/**
 * `fusedReduce` over a full reduction whose inputs are runs of plain JS arrays of numbers, read in place:
 * `arrays[i][start .. start + n)` is input i. For a stream of numbers held in a JS array, the executor's fold
 * would otherwise first copy every batch into a Float64Array, which costs as much as the loop itself (memory
 * bound: ~4 ns a number here). With `checked`, the caller has checked that every element is a number;
 * without, the loop checks each as it reads it and throws NotANumberInRun at the first that is not (the
 * separate check pass was 11% of a scalar pipeline's time: it is what first reads the array from memory).
 * Null when the loop does not cover it (fewer than two values: the kernels' rules for those hold, through
 * the normal path).
 *
 * ```ts
 * // sum(x * 2) over xs[100 .. 100 + 8192)
 * fusedReduceRuns({ program: [['input', 'float64', 0], ['const', 'float64', 2], ['mul', 'float64', 0, 1]], dtype: 'float64', reduce: 'sum' }, [xs], 100, 8192);
 * ```
 */
export function fusedReduceRuns(
  attrs: { readonly program: AttrValue; readonly dtype: DType; readonly reduce: string },
  arrays: readonly (readonly number[])[], start: number, n: number, outDtype: DType, checked = true,
): Tensor | null {
  if (n < 2) return null;
  const out = allocate(outDtype, 1);
  fusedReduceLoop(attrs.program, attrs.reduce, (checked ? 'a' : 'c').repeat(arrays.length))(arrays, out, 1, n, start);
  return new Tensor(outDtype, [], out);
}
