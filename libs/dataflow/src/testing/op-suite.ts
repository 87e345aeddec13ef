import type { OpBackend } from './backend';
import { suiteContext } from './harness';
import { describeCreationOps } from './suite/creation';
import { describeBinaryOps } from './suite/binary';
import { describeJoinOps } from './suite/join';
import { describeLayoutOps } from './suite/layout';
import { describeMatmul } from './suite/matmul';
import { describeMisc } from './suite/misc';
import { describePromotion } from './suite/promotion';
import { describeProperties } from './suite/properties';
import { describeReductions } from './suite/reduce';
import { describeSliceGather } from './suite/slice-gather';
import { describeSoftmax } from './suite/softmax';
import { describeUnaryOps } from './suite/unary';
import { describeWhereCast } from './suite/where-cast';

/**
 * The op spec suite, written once and run on every backend: each case computes through `backend.run(f,
 * inputs)`, where `f` calls `ops` on its tensor arguments, so a graph backend can trace f, a worker
 * backend ship it, and a GPU backend run it. Covers every op: values, broadcasting, every accepted dtype
 * and the result's dtype (weak-number promotion included), NaN and Infinity, zero-size tensors, the exact
 * error text; property tests against reference.ts; tensor methods, cond, print and the tensor() factory.
 *
 * ```ts
 * import '@weir/kernels-cpu';
 * import { describeOpSuite, eagerBackend } from '@weir/dataflow/testing';
 * describeOpSuite(eagerBackend);
 * ```
 */
export function describeOpSuite(backend: OpBackend): void {
  const ctx = suiteContext(backend);
  describe(`op suite on ${backend.name}`, () => {
    describeUnaryOps(ctx);
    describeBinaryOps(ctx);
    describePromotion(ctx);
    describeWhereCast(ctx);
    describeReductions(ctx);
    describeMatmul(ctx);
    describeLayoutOps(ctx);
    describeJoinOps(ctx);
    describeSliceGather(ctx);
    describeSoftmax(ctx);
    describeCreationOps(ctx);
    describeMisc(ctx);
    describeProperties(ctx);
  });
}
