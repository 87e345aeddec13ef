import { allocate, getContract, sizeOf, Tensor } from '@weir/dataflow';
import type { Attrs, Kernel, Shape } from '@weir/dataflow';
import { fusedReduceKernel } from './fused-reduce';
import { matmulKernel } from './matmul';
import { WASM_MATMUL_MIN_MACS } from './matmul_impl';
import { wasmGemm } from './wasm/gemm_f32';

/** The epilogue of a program the WebAssembly row sums run: the bias input's slot (or null), and relu. */
export interface RowSumPlan {
  readonly biasSlot: number | null;
  readonly relu: boolean;
}

/**
 * The forms `$0`, `$0 + $s`, `relu($0)` and `relu($0 + $s)` (either order of the add's arguments), every
 * instruction float32, read from the program's instructions; null for any other program. Values are
 * tracked as `p` (the product), `x<s>` (input slot s), `pb<s>` (product + slot s) and `r…` (relu of one).
 */
export function rowSumPlan(program: unknown): RowSumPlan | null {
  if (!Array.isArray(program)) return null;
  const forms: string[] = [];
  for (const ins of program as unknown[]) {
    if (!Array.isArray(ins) || ins[1] !== 'float32') return null;
    const [op, , x, y] = ins as [unknown, unknown, unknown, unknown];
    const fx = typeof x === 'number' ? forms[x] : undefined;
    const fy = typeof y === 'number' ? forms[y] : undefined;
    if (op === 'input' && typeof x === 'number' && Number.isInteger(x) && x >= 0) forms.push(x === 0 ? 'p' : `x${x}`);
    else if (op === 'add' && fx === 'p' && fy?.startsWith('x')) forms.push(`pb${fy.slice(1)}`);
    else if (op === 'add' && fy === 'p' && fx?.startsWith('x')) forms.push(`pb${fx.slice(1)}`);
    else if (op === 'relu' && (fx === 'p' || fx?.startsWith('pb'))) forms.push(`r${fx}`);
    else return null;
  }
  const last = forms[forms.length - 1] ?? '';
  const relu = last.startsWith('r');
  const body = relu ? last.slice(1) : last;
  if (body === 'p') return { biasSlot: null, relu };
  return body.startsWith('pb') ? { biasSlot: Number(body.slice(2)), relu } : null;
}

/**
 * rowSumPlan once per program: a node's attrs are the same array on every batch, and the kernel runs once a
 * batch (as the JIT caches its loops by the same key).
 */
const plans = new WeakMap<object, RowSumPlan | null>();
function cachedPlan(program: unknown): RowSumPlan | null {
  if (typeof program !== 'object' || program === null) return null;
  let plan = plans.get(program);
  if (plan === undefined) plans.set(program, (plan = rowSumPlan(program)));
  return plan;
}

/** Row sums in WebAssembly where they give the bits of matmul then fusedReduce; false where they do not apply. */
function rowSums(inputs: readonly Tensor[], attrs: Attrs, out: Tensor): boolean {
  const [a, b] = inputs;
  if (attrs.reduce !== 'sum' || attrs.dtype !== 'float32' || !(out.data instanceof Float32Array)) return false;
  if (!(a.data instanceof Float32Array) || !(b.data instanceof Float32Array) || a.shape.length > 2 || b.shape.length !== 2) return false;
  const [k, n] = b.shape;
  const m = a.shape.length === 1 ? 1 : a.shape[0];
  const productRank = a.shape.length;
  const axes = attrs.axes as readonly number[];
  // Only the product's last axis reduced, and below the threshold matmul accumulates in double (other bits).
  if (axes.length !== 1 || axes[0] !== productRank - 1 || m * k * n < WASM_MATMUL_MIN_MACS) return false;
  const plan = cachedPlan(attrs.program);
  if (plan === null) return false;
  let bias: Float32Array | null = null;
  if (plan.biasSlot !== null) {
    const x = inputs[plan.biasSlot + 1];
    if (x === undefined || !(x.data instanceof Float32Array) || x.shape.length !== 1 || x.shape[0] !== n) return false;
    bias = x.data;
  }
  if (inputs.length !== (plan.biasSlot === null ? 2 : 3)) return false;
  const gemm = wasmGemm();
  return gemm !== null && gemm.rowSums(a.data, b.data, bias, plan.relu, out.data, m, k, n);
}

/**
 * The CPU kernel of `matmulReduce` (dataflow's contracts/matmul-reduce.ts). For float32 `sum` over the
 * product's last axis of `$0`, `$0 + bias` and their relu, with a `[m, k]` (or `[k]`) `a`, a `[k, n]` `b`
 * and a `[n]` bias, the WebAssembly GEMM sums each block of rows while it is in cache (wasm/row_sum_module.ts)
 * and the product is never written out; the bits are those of the two ops. Anything else runs the matmul
 * kernel into a temporary and then the fusedReduce kernel.
 *
 * ```ts
 * // sum(relu(x·W + b), -1) per row of x: float32[B, 256]
 * runOp('matmulReduce', [x, W, b], { program: [['input', 'float32', 0], ['input', 'float32', 1],
 *   ['add', 'float32', 0, 1], ['relu', 'float32', 2]], dtype: 'float32', reduce: 'sum', axis: [1] });
 * ```
 */
export const matmulReduceKernel: Kernel = ({ inputs, attrs, out }) => {
  if (rowSums(inputs, attrs, out)) return;
  const [a, b, ...xs] = inputs;
  const inferred = getContract('matmul').infer([a, b], {});
  const shape = inferred.shape as Shape;
  const product = new Tensor(inferred.dtype, shape, allocate(inferred.dtype, sizeOf(shape)));
  matmulKernel({ inputs: [a, b], attrs: {}, out: product });
  fusedReduceKernel({ inputs: [product, ...xs], attrs, out });
};
