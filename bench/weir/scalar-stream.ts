/** Weir's side of the scalar-stream benchmark: one Transform, run compiled and eagerly. */
import { filter, from, isTensor, map, ops, pipeline, reduce, Tensor } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile } from '@weir/runtime';
import type { Answer, Runner } from '../harness';

export const scalarPipeline = () =>
  pipeline(
    map((x: Tensor) => ops.add(ops.mul(x, 2), 1)),
    filter((y: Tensor) => ops.notEqual(ops.mod(y, 3), 0)),
    reduce((acc: Tensor | number, y: Tensor): Tensor | number => ops.add(acc, y), 0),
  );

/** The one output of a reduce, as a number. */
export function single(out: readonly unknown[]): Answer {
  if (out.length !== 1) return `${out.length} outputs`;
  const v = out[0];
  return isTensor(v) ? Number(v.item()) : (v as number);
}

export function graphRunner(data: readonly number[] | Float64Array, batchSize: number, passes?: Readonly<Record<string, boolean>>): Runner {
  const plan = compile(from(data).pipe(scalarPipeline()), { batchSize, ...(passes ? { passes } : {}) });
  return async () => single(await plan.collect());
}

export function eagerRunner(data: readonly number[]): Runner {
  const flow = from(data).pipe(scalarPipeline());
  return async () => single(await eagerCollect(flow));
}
