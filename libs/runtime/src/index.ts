// @weir/runtime: compile() and run() - the batch executor, error policies, saved plans - and the file
// connectors. Importing it registers the CPU kernels.
import '@weir/kernels-cpu';
import { setExprOptimizer } from '@weir/dataflow';
import { optimizeExpression } from '@weir/optimizer';

// fn() and compile() run the optimizer's expression passes on every traced graph.
setExprOptimizer(optimizeExpression);

export type { CompileOptions } from './lib/exec/plan';
export { DEFAULT_BATCH_SIZE, Plan, compile, loadPlan } from './lib/exec/plan';
export type { CollectOptions } from './lib/collect';
export { collect } from './lib/collect';
export type { Column, ColumnBatch } from './lib/exec/batch';
export { batchToRows, rowsToBatch } from './lib/exec/batch';
export type { RunStats } from './lib/exec/stage';
