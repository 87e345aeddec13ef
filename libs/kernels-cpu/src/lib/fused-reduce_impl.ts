import { sizeOf } from '@weir/dataflow';
import type { Shape } from '@weir/dataflow';
import { broadcastStrides } from './broadcast_impl';

/** A fold the generated loop can run: `outer` outputs of `m` values each, and how it reads each input. */
export interface ReduceLayout {
  readonly outer: number;
  readonly m: number;
  /** One letter per input, as reduce-codegen.ts reads them: f, s, v or r. */
  readonly kinds: string;
}

/**
 * How to run `reduce(fused(inputs), axes)` as one loop, or null when the loop does not cover it. `shape` is
 * the inputs' broadcast and `axes` the reduced ones (sorted). Size-1 dimensions are ignored; what remains
 * must be kept dimensions followed by reduced ones, so the elements are `[outer, m]` in row-major order and
 * each output folds one contiguous block, in the order reduceImpl folds it. Each input must be full size,
 * one element, one value per reduced position (`v`: it spans only the reduced dimensions, e.g. a bias) or
 * one per output (`r`: only the kept ones). Null also for folds of fewer than two values (one value is
 * returned as is, not added to 0; none gives the identity): the fallback's kernels have those rules.
 *
 * ```ts
 * reduceLayout([8, 64], [1], [[8, 64], [64]]); // { outer: 8, m: 64, kinds: 'fv' }
 * reduceLayout([8, 64], [0], [[8, 64]]);       // null: a leading axis
 * ```
 */
export function reduceLayout(shape: Shape, axes: readonly number[], inputs: readonly Shape[]): ReduceLayout | null {
  const reduced = shape.map((_, d) => axes.includes(d));
  let outer = 1;
  let m = 1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    if (reduced[d]) m *= shape[d];
    else if (m > 1) return null; // a kept dimension after a reduced one
    else outer *= shape[d];
  }
  if (m < 2 || outer === 0) return null;
  let kinds = '';
  for (const s of inputs) {
    const size = sizeOf(s);
    if (size === 1) kinds += 's';
    else if (size === outer * m) kinds += 'f'; // equal sizes mean the same row-major layout
    else {
      const strides = broadcastStrides(s, shape);
      const moves = (r: boolean): boolean => shape.some((d, i) => d !== 1 && reduced[i] === r && strides[i] !== 0);
      // Spanning only one part, with that part's whole size, it is laid out row-major over it.
      if (size === m && !moves(false)) kinds += 'v';
      else if (size === outer && !moves(true)) kinds += 'r';
      else return null;
    }
  }
  return { outer, m, kinds };
}
