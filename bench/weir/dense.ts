/** Weir's side of the dense benchmark: one pipeline over tensor records, run compiled and eagerly. */
import { from, map, ops, pipeline, reduce, tensor, Tensor } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile } from '@weir/runtime';
import type { Runner } from '../harness';
import { single } from './scalar-stream';

export interface DenseInputs {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly b: Float32Array;
  readonly d: number;
  readonly h: number;
}

/** W and b are captured JS values: constants in the traced graph. */
export function densePipeline(inp: DenseInputs) {
  const W = tensor(inp.w, 'float32', [inp.d, inp.h]);
  const b = tensor(inp.b, 'float32', [inp.h]);
  return pipeline(
    map((r: { x: Tensor }) => ops.sum(ops.relu(ops.add(ops.matmul(r.x, W), b)))),
    reduce((acc: Tensor, y: Tensor) => ops.add(acc, y), tensor(0, 'float64')),
  );
}

/** Records as a reader hands them over: `{ x: Tensor(float32, [d]) }`, views into one buffer. */
export function records(inp: DenseInputs, count: number): { x: Tensor }[] {
  const d = inp.d;
  return Array.from({ length: count }, (_, i) => ({ x: tensor(inp.x.subarray(i * d, (i + 1) * d), 'float32', [d]) }));
}

export function graphRunner(inp: DenseInputs, count: number, batchSize: number, passes?: Readonly<Record<string, boolean>>): Runner {
  const plan = compile(from(records(inp, count)).pipe(densePipeline(inp)), { batchSize, ...(passes ? { passes } : {}) });
  return async () => single(await plan.collect());
}

export function eagerRunner(inp: DenseInputs, count: number): Runner {
  const flow = from(records(inp, count)).pipe(densePipeline(inp));
  return async () => single(await eagerCollect(flow));
}
