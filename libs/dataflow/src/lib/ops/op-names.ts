/**
 * Every op name in one place (TensorFlow.js keeps kernel_names.ts for the same reason): contracts, kernels on
 * every backend, the optimizer's rule tables and the saved-graph validator all key on these strings.
 */
export const UNARY_OPS = [
  'neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'square', 'relu', 'sigmoid', 'tanh', 'logicalNot',
] as const;
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'mod', 'floorDiv', 'pow', 'maximum', 'minimum',
  'greater', 'greaterEqual', 'less', 'lessEqual', 'equal', 'notEqual', 'logicalAnd', 'logicalOr',
] as const;
export const REDUCE_OPS = ['sum', 'mean', 'max', 'min', 'argmax', 'argmin'] as const;
export const CREATION_OPS = ['eye', 'zeros', 'ones', 'fill', 'range'] as const;
export const OTHER_OPS = [
  'cast', 'where', 'matmul', 'transpose', 'reshape', 'concat', 'stack', 'slice', 'gather',
  'expandDims', 'squeeze', 'softmax', 'logSoftmax', 'print',
] as const;
/**
 * Ops only the optimizer creates: a fused elementwise program (contracts/fused.ts), one whose result is
 * reduced at once (contracts/fused-reduce.ts), and a matmul whose product such a reduction takes
 * (contracts/matmul-reduce.ts).
 */
export const FUSED_OPS = ['fused', 'fusedReduce', 'matmulReduce'] as const;

export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];
export type OpName = UnaryOp | BinaryOp | ReduceOp | (typeof CREATION_OPS)[number] | (typeof OTHER_OPS)[number] | (typeof FUSED_OPS)[number];

export const ALL_OPS: readonly OpName[] = [...UNARY_OPS, ...BINARY_OPS, ...REDUCE_OPS, ...CREATION_OPS, ...OTHER_OPS, ...FUSED_OPS];
