// @weir/optimizer: passes over the IR. Expression level: constant folding, CSE, dead-node pruning, algebraic
// simplification, the integer matmul power rule, elementwise fusion and its fold into reductions, run by one
// pass manager. Imports @weir/dataflow only; kernels are reached through its registry when a pass evaluates
// something.
export type { OptimizerOptions } from './lib/pass-manager';
export { MAX_ROUNDS, PASS_NAMES, optimizeExpression, runPasses } from './lib/pass-manager';
export type { CountingPass, ExprPass, PassOutcome } from './lib/pass';
export { definePass } from './lib/pass';
export { PassCheckError, checkSchema, checkWellFormed } from './lib/graph/check';
export { FOLD_SIZE_LIMIT, constantFolding } from './lib/passes/constant-folding';
export { cse } from './lib/passes/cse';
export { pruning } from './lib/passes/pruning';
export type { Rule } from './lib/passes/simplify-rules';
export { RULES } from './lib/passes/simplify-rules';
export { simplify } from './lib/passes/simplify';
export { MIN_CHAIN, matmulPower } from './lib/passes/matmul-power';
export { FUSIBLE, MAX_GROUP, fusion } from './lib/passes/fusion';
export { formatFusedProgram } from './lib/passes/fusion-format';
export { fusedReduce } from './lib/passes/fused-reduce';
export { formatFusedReduce } from './lib/passes/fused-reduce-format';
export { matmulReduce } from './lib/passes/matmul-reduce';
export { formatMatmulReduce } from './lib/passes/matmul-reduce-format';
export { fieldsRead, filterReadsPassedThrough } from './lib/stream/filter-pushdown';
export { projectionPushdown } from './lib/stream/projection-pushdown';
