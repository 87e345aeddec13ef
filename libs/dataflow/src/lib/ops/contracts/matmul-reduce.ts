import { argError, Attrs, getContract, Inferred, OpError, registerContract, ValueInfo } from '../contract';
import { inferOnBehalf } from './helpers';

/**
 * `matmulReduce(a, b, ...xs)`: a matmul whose product feeds a fusedReduce and nothing else, as one op, so a
 * backend can reduce each block of the product while it is still in cache and never write the product out
 * (Grappler's remapper makes `_FusedMatMul` for the same reason). The optimizer's matmulReduce pass makes it.
 *
 * It is exactly `fusedReduce(matmul(a, b), ...xs, attrs)`: the program's input slot 0 is the product, slots
 * 1.. are `xs`; `axis` refers to the broadcast shape of the product and `xs`. The CPU kernel sums rows in
 * WebAssembly for float32 `sum` over the product's last axis of `$0`, `$0 + bias`, `relu($0)` and
 * `relu($0 + bias)` (the dense layer's epilogue); every other case computes the two ops in turn. The
 * product must have the broadcast's rank (the fusedReduce pass writes slot 0 so), which vectorization needs.
 *
 * attrs: those of fusedReduce (`program`, `dtype`, `reduce`, `axis`, `keepDims`; inference adds `axes`).
 *
 * ```ts
 * // sum(relu(x·W + b), -1) for x: float32[B, 256], W: float32[256, 64], b: float32[64]
 * runOp('matmulReduce', [x, W, b], { program: [['input', 'float32', 0], ['input', 'float32', 1],
 *   ['add', 'float32', 0, 1], ['relu', 'float32', 2]], dtype: 'float32', reduce: 'sum', axis: [1] });
 * ```
 */
const OP = 'matmulReduce';

const onBehalf = (inner: string, infer: () => Inferred): Inferred => inferOnBehalf(OP, inner, infer);

/**
 * fusedReduce numbers its inputs [product, ...xs]; this op's are [a, b, ...xs]. Its argument names in a
 * message become this op's: `xs[0]` is the product of 'a' and 'b', `xs[i]` is this op's `xs[i - 1]`.
 */
function renumbered(infer: () => Inferred): Inferred {
  try {
    return infer();
  } catch (e) {
    if (!(e instanceof OpError) || e.op !== OP) throw e;
    const message = e.message.replace(/Argument 'xs\[(\d+)\]'/, (_, i: string) => (i === '0' ? "The product of 'a' and 'b'" : `Argument 'xs[${Number(i) - 1}]'`));
    throw new OpError(OP, message);
  }
}

registerContract({
  name: OP,
  inputs: ['a', 'b', 'xs'],
  variadic: true,
  kind: 'matmul',
  promote: [],
  infer(args: readonly ValueInfo[], attrs: Attrs): Inferred {
    if (args.length < 2) throw argError(OP, 'b', 'is missing; expected at least the two operands of the product');
    const [a, b, ...xs] = args;
    const product = onBehalf('matmul', () => getContract('matmul').infer([a, b], {}));
    return renumbered(() => onBehalf('fusedReduce', () => getContract('fusedReduce').infer([product, ...xs], attrs)));
  },
});
