// @weir/kernels-cpu: importing this package registers a typed-array kernel for every op on backend 'cpu'.
// The *_impl exports are the loops themselves, for the JIT and for the GPU backend's small-input fallback.
import './lib/register';

export { CPU_KERNELS } from './lib/register';
export type { Readable } from './lib/broadcast_impl';
export {
  broadcastBinaryImpl, broadcastOffsets, broadcastStrides, broadcastTernaryImpl, coalesce,
} from './lib/broadcast_impl';
export type { ReduceStep } from './lib/reduce_impl';
export { argReduceImpl, reduceImpl } from './lib/reduce_impl';
export { gemmImpl, gemmIntImpl, MATMUL_BLOCK, matmulImpl } from './lib/matmul_impl';
export { stridedCopyImpl } from './lib/strided_impl';
export { joinImpl } from './lib/join_impl';
export { softmaxImpl } from './lib/softmax_impl';
export type { UnaryFn } from './lib/unary_fns';
export { UNARY_FNS } from './lib/unary_fns';
export type { BinaryFn } from './lib/binary_fns';
export { BINARY_FNS } from './lib/binary_fns';
export { floatFloorDiv, floatMod, floatPow, intFloorDiv, intMod, intPow, sigmoid } from './lib/scalar_fns';
export { fusedReduceRuns } from './lib/fused-reduce-runs';
export { NotANumberInRun } from './lib/not-a-number-in-run';
export { offerCallerWork } from './lib/caller-work';
