import { allocate, broadcastShapes, sizeOf, Tensor } from '@weir/dataflow';
import type { AttrValue, Attrs, DType, Kernel, Shape } from '@weir/dataflow';
import { reduceLayout } from './fused-reduce_impl';
import { fusedReduceLoop } from './jit/compile';
import { fusedKernel } from './jit/fused';
import { reduceKernel } from './reduce';

/** The attrs the fusedReduce contract normalizes to. */
interface FusedReduceAttrs extends Attrs {
  readonly program: AttrValue;
  readonly dtype: DType;
  readonly reduce: string;
  readonly axes: readonly number[];
  readonly keepDims: boolean;
}

/** The unfused reductions, for the layouts the generated loop does not cover. */
const REDUCE_KERNELS: ReadonlyMap<unknown, Kernel> = new Map([['sum', reduceKernel('sum')], ['max', reduceKernel('max')], ['min', reduceKernel('min')]]);

function broadcastAll(inputs: readonly Tensor[]): Shape {
  let shape: Shape = [];
  for (const x of inputs) shape = broadcastShapes(shape, x.shape) as Shape;
  return shape;
}

/**
 * The CPU kernel of `fusedReduce` (dataflow's contracts/fused-reduce.ts): one generated loop that evaluates
 * the fused program element by element and folds it into the output, without materializing the elementwise
 * result. It covers reductions over the trailing dimensions (after dropping size-1 ones), the full reduction
 * included, with inputs that are full size, single values, vectors over the reduced block or one value per
 * output row (reduceLayout). Anything else runs the `fused` kernel into a temporary and then the reduction
 * kernel: slower, and the same result.
 *
 * ```ts
 * // sum(x * 2 + 1) over a float64[n]
 * runOp('fusedReduce', [x], { program: [['input', 'float64', 0], ['const', 'float64', 2], ['mul', 'float64', 0, 1],
 *   ['const', 'float64', 1], ['add', 'float64', 2, 3]], dtype: 'float64', reduce: 'sum', axis: null });
 * ```
 */
export const fusedReduceKernel: Kernel<FusedReduceAttrs> = ({ inputs, attrs, out }) => {
  const shape = broadcastAll(inputs);
  const layout = reduceLayout(shape, attrs.axes, inputs.map((x) => x.shape));
  if (layout !== null) {
    fusedReduceLoop(attrs.program, attrs.reduce, layout.kinds)(inputs.map((x) => x.data), out.data, layout.outer, layout.m);
    return;
  }
  const reduce = REDUCE_KERNELS.get(attrs.reduce);
  if (reduce === undefined) throw new Error("'fusedReduce' ends in a reduction the CPU kernel does not know (expected sum, max or min)");
  const value = new Tensor(attrs.dtype, shape, allocate(attrs.dtype, sizeOf(shape)));
  fusedKernel({ inputs, attrs: { program: attrs.program, dtype: attrs.dtype }, out: value });
  reduce({ inputs: [value], attrs: { axes: attrs.axes, keepDims: attrs.keepDims }, out });
};
