import { Attrs, DType, isInt, Kernel, ReduceOp } from '@weir/dataflow';
import { argReduceImpl, reduceImpl, ReduceStep } from './reduce_impl';

/** The attrs the reduce contract normalizes to. */
interface ReduceAttrs extends Attrs {
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

const add: ReduceStep = (acc, x) => acc + x;
// `| 0` keeps an int32 sum exact modulo 2^32 however long it runs (a double would drift past 2^53).
const addInt: ReduceStep = (acc, x) => (acc + x) | 0;
// NaN wins once seen: `x > acc` is false against a NaN accumulator, and a NaN x replaces any number.
const maxStep: ReduceStep = (acc, x) => (x > acc || x !== x ? x : acc);
const minStep: ReduceStep = (acc, x) => (x < acc || x !== x ? x : acc);

/**
 * Identities of max and min. An empty float reduction gives ∓Infinity (the contract); integers cannot hold
 * Infinity, so they get the dtype's extreme value, as TensorFlow does.
 */
const LOWEST: Record<DType, number> = { float32: -Infinity, float64: -Infinity, int32: -2147483648, uint8: 0, bool: 0 };
const HIGHEST: Record<DType, number> = { float32: Infinity, float64: Infinity, int32: 2147483647, uint8: 255, bool: 1 };

type Fold = (dtype: DType) => { init: number; step: ReduceStep };

const FOLDS: Record<'sum' | 'mean' | 'max' | 'min', Fold> = {
  sum: (d) => ({ init: 0, step: isInt(d) ? addInt : add }),
  mean: () => ({ init: 0, step: add }),
  max: (d) => ({ init: LOWEST[d], step: maxStep }),
  min: (d) => ({ init: HIGHEST[d], step: minStep }),
};

/**
 * The kernel of sum, mean, max or min over the contract's normalized `axes` (sorted, non-negative).
 *
 * ```ts
 * ops.sum(tensor([[1, 2], [3, 4]]), 0); // [4, 6]
 * ```
 */
export function reduceKernel(op: 'sum' | 'mean' | 'max' | 'min'): Kernel<ReduceAttrs> {
  const fold = FOLDS[op];
  return ({ inputs: [x], attrs, out }) => {
    const { init, step } = fold(out.dtype);
    const result = reduceImpl(x.data, x.shape, attrs.axes, init, step);
    if (op === 'mean') {
      let count = 1;
      for (const a of attrs.axes) count *= x.shape[a];
      for (let i = 0; i < result.length; i++) result[i] /= count;
    }
    out.data.set(result);
  };
}

// The first NaN wins, as in NumPy; after that nothing is better than a NaN.
const greater = (x: number, best: number): boolean => x > best || (x !== x && best === best);
const less = (x: number, best: number): boolean => x < best || (x !== x && best === best);

/**
 * The kernel of argmax or argmin: one axis, or the flattened tensor when the contract gives every axis.
 *
 * ```ts
 * ops.argmax(tensor([[1, 9], [7, 2]]), 1); // [1, 0]
 * ```
 */
export function argReduceKernel(op: Extract<ReduceOp, 'argmax' | 'argmin'>): Kernel<ReduceAttrs> {
  const better = op === 'argmax' ? greater : less;
  return ({ inputs: [x], attrs, out }) => {
    const { axes } = attrs;
    const dst = out.data;
    if (axes.length === 0) {
      dst.fill(0); // a scalar: its one element is at index 0
      return;
    }
    if (axes.length > 1) {
      argReduceImpl(x.data, 1, x.size, 1, better, dst);
      return;
    }
    const a = axes[0];
    let outer = 1;
    let inner = 1;
    x.shape.forEach((d, i) => {
      if (i < a) outer *= d;
      else if (i > a) inner *= d;
    });
    argReduceImpl(x.data, outer, x.shape[a], inner, better, dst);
  };
}
