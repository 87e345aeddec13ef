import { BINARY_OPS, Kernel, registerKernel, UNARY_OPS } from '@weir/dataflow';
import { binaryKernel } from './binary';
import { castKernel } from './cast';
import { concatKernel, stackKernel } from './concat';
import { eyeKernel, fillKernel, onesKernel, rangeKernel, zerosKernel } from './creation';
import { fusedReduceKernel } from './fused-reduce';
import { matmulReduceKernel } from './matmul-reduce';
import { gatherKernel } from './gather';
import { fusedKernel } from './jit/fused';
import { matmulKernel } from './matmul';
import { argReduceKernel, reduceKernel } from './reduce';
import { sliceKernel } from './slice';
import { softmaxKernel } from './softmax';
import { transposeKernel } from './transpose';
import { unaryKernel } from './unary';
import { whereKernel } from './where';

/**
 * Every CPU kernel, by op name: all of op-names.ts except the view ops (reshape, expandDims, squeeze: the
 * engine shares data) and print (an effect the engine runs).
 *
 * ```ts
 * CPU_KERNELS.add({ inputs: [a, b], attrs: {}, out });
 * ```
 */
export const CPU_KERNELS: Readonly<Record<string, Kernel>> = {
  ...Object.fromEntries(UNARY_OPS.map((op) => [op, unaryKernel(op)])),
  ...Object.fromEntries(BINARY_OPS.map((op) => [op, binaryKernel(op)])),
  where: whereKernel,
  cast: castKernel,
  sum: reduceKernel('sum'),
  mean: reduceKernel('mean'),
  max: reduceKernel('max'),
  min: reduceKernel('min'),
  argmax: argReduceKernel('argmax'),
  argmin: argReduceKernel('argmin'),
  matmul: matmulKernel,
  transpose: transposeKernel,
  concat: concatKernel,
  stack: stackKernel,
  slice: sliceKernel,
  gather: gatherKernel,
  softmax: softmaxKernel(false),
  logSoftmax: softmaxKernel(true),
  eye: eyeKernel,
  zeros: zerosKernel,
  ones: onesKernel,
  fill: fillKernel,
  range: rangeKernel,
  fused: fusedKernel,
  fusedReduce: fusedReduceKernel,
  matmulReduce: matmulReduceKernel,
};

// Runs once per process: Node's module cache evaluates this file once however often it is imported, and
// the registry throws on a second registration.
for (const [op, kernel] of Object.entries(CPU_KERNELS)) registerKernel('cpu', op, kernel);
