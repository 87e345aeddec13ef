// @weir/dataflow: tensors, dtypes, the op library and its registries, Arrow interop, stream operators,
// tracing and the IR. Imports no other Weir lib.
export type { DType, TypedArray, TypedArrayCtor } from './lib/core/dtype';
export {
  DTYPES, allocate, isDType, isFloat, isInt, promote, promoteWeak, typedArrayFor, weakDType,
} from './lib/core/dtype';
export type { Dim, Shape, SymShape } from './lib/core/shape';
export { broadcastShapes, formatShape, normalizeAxis, shapesEqual, sizeOf, stridesOf } from './lib/core/shape';
export type { NestedArray } from './lib/core/tensor';
export { Tensor, isTensor, tensor } from './lib/core/tensor';
export type { TensorMethods } from './lib/core/methods';
export { METHOD_NAMES, installMethods } from './lib/core/methods';
export type { AttrValue, Attrs, Inferred, OpContract, OpKind, ValueInfo } from './lib/ops/contract';
export { OpError, argError, contractNames, getContract, hasContract, registerContract } from './lib/ops/contract';
export type { Kernel, KernelArgs } from './lib/ops/kernel-registry';
export { getKernel, hasKernel, registerKernel, registeredKernels } from './lib/ops/kernel-registry';
export type { Operand, OpArg, Recorder, Symbolic } from './lib/ops/engine';
export {
  SYMBOLIC, activeRecorder, execute, getBackend, isSymbolic, popRecorder, pushRecorder, runOp, scalar, setBackend,
} from './lib/ops/engine';
export type { BinaryOp, OpName, ReduceOp, UnaryOp } from './lib/ops/op-names';
export { ALL_OPS, BINARY_OPS, CREATION_OPS, FUSED_OPS, OTHER_OPS, REDUCE_OPS, UNARY_OPS } from './lib/ops/op-names';
export type { Ops, TensorLike } from './lib/ops/ops';
export { formatPrint, ops, printSink, setPrintSink } from './lib/ops/ops';
export { binaryOutDType, unaryOutDType } from './lib/ops/contracts';
export type {
  BatchOp, CountWindowOp, FilterOp, FlatMapOp, FlowLike, KeyByOp, LateInfo, MapOp, MergeOp, OperatorDesc,
  OperatorKind, ReduceOp as ReduceOperator, ScanOp, SkipOp, SourceDesc, SourceKind, TakeOp, TapOp, TimeWindowOp,
  WindowPane, ZipOp,
} from './lib/flow/operator';
export { describeOperator } from './lib/flow/operator';
export type { WindowOptions } from './lib/flow/operators';
export { batch, filter, flatMap, keyBy, map, merge, reduce, scan, skip, take, tap, window, zip } from './lib/flow/operators';
export { Flow, Transform, isFlow, isTransform, pipeline } from './lib/flow/flow';
export { describeSource, from } from './lib/flow/from';
export type { ErrorPolicy } from './lib/flow/errors';
export { PipelineError, opOf } from './lib/flow/errors';
export type { ExprGraph, ExprNode, InputSpec, OutSpec } from './lib/ir/expr';
export { liveNodes, outputNodeIds } from './lib/ir/expr';
export { formatExprGraph, formatNode, registerAttrFormatter } from './lib/ir/format';
export { OpaqueField, SymbolicTensor, TracerConversionError } from './lib/trace/symbolic';
export type { TraceSource } from './lib/trace/symbolic';
export { GraphBuilder, UntraceableOutputError } from './lib/trace/builder';
export { traceGraph } from './lib/trace/trace';
export type { PreparedGraph } from './lib/trace/interpret';
export { buildOutput, prepareGraph } from './lib/trace/interpret';
export type { CompiledFunction, FnOptions, TensorSpec } from './lib/trace/fn';
export { fn, runsEagerly, setRunEagerly, spec } from './lib/trace/fn';
export type { FieldType, StageIR, StreamGraph, TracedStage } from './lib/ir/stream';
export { isTracedStage } from './lib/ir/stream';
export { normalizeElement, predicateValue } from './lib/flow/normalize';
export type { FieldKind, FieldSchema, FieldValue, WeirRecord, WeirSchema } from './lib/arrow/schema';
export {
  EXTENSION_METADATA_KEY, EXTENSION_NAME_KEY, TENSOR_EXTENSION_NAME, WEIR_KIND_KEY, arrowTypeOf, dtypeOfArrowType,
  fromArrowField, fromArrowSchema, inferSchema, scalarField, tensorField, toArrowField, toArrowSchema,
} from './lib/arrow/schema';
export type { Column as ArrowColumn, StringColumn, ValueColumn } from './lib/arrow/columns';
export { batchColumns, columnFromTensor, columnsToBatch, readColumn, tensorFromColumn } from './lib/arrow/columns';
export type { ToArrowOptions } from './lib/arrow/to-arrow';
export { toArrow, toRecordBatch } from './lib/arrow/to-arrow';
export type { ArrowSource } from './lib/arrow/from-arrow';
export { arrowRows, fromArrow } from './lib/arrow/from-arrow';
export type { ArrowWriter, ByteSource, IpcFormat, WriteArrowOptions } from './lib/arrow/ipc';
export { createArrowWriter, readArrowBatches, readArrowFile, writeArrowFile } from './lib/arrow/ipc';
export type { WeirWarning } from './lib/core/warn';
export { setWarningHandler, warn } from './lib/core/warn';
export type { ExprOptimizer, OptimizeOptions, OptimizeResult, PassRecord } from './lib/ir/optimize-hook';
export { optimizeExpr, setExprOptimizer } from './lib/ir/optimize-hook';
export { INLINE_CONSTANT_LIMIT, UnsaveablePlanError, loadPlanFile, savePlanFile, serializePlan } from './lib/ir/serialize';
export { PLAN_FORMAT, PLAN_FORMAT_VERSION, PlanFormatError, deserializePlan, validatePlan } from './lib/ir/validate';
export { mulberry32 } from './lib/core/random';
