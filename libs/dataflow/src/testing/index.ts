// @weir/dataflow/testing: what every backend's tests share. The op suite needs Jest's globals (describe,
// it, expect); import this entry point from spec files only.
export type { OpBackend } from './backend';
export { eagerBackend } from './backend';
export { describeOpSuite } from './op-suite';
export type { SuiteContext } from './harness';
export { close, expectTensor, flatValues, suiteContext } from './harness';
export type { RefReduceOp } from './reference';
export {
  REF_BINARY, REF_BINARY_SPECIALS, ravel, refBroadcastRead, refBroadcastShape, refBuild, refElementwise, refMatmul, refReduce,
  refTranspose, unravel,
} from './reference';
