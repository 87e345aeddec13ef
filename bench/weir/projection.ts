/** Weir's side of the projection benchmark: wide records written to files, a pipeline that reads two fields. */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filter, from, map, ops, pipeline, reduce, tensor, type Tensor } from '@weir/dataflow';
import { batchToRows, columnBatchesOf, compile, openSink, openSource } from '@weir/runtime';
import type { Answer, Runner } from '../harness';
import { single } from './scalar-stream';

/** Fields a record carries besides `id` and `v`, the two the pipeline reads. */
export const EXTRA_FIELDS = ['a', 'b', 'c', 'd', 'name', 'emb'] as const;
export const EMB_WIDTH = 16;

export interface WideRow {
  id: number;
  v: number;
  a: number;
  b: number;
  c: number;
  d: number;
  name: string;
  emb: Tensor;
}

/** Record i: small integers (sums are exact), a label and a 16-wide embedding. */
export function wideRow(i: number): WideRow {
  return { id: i, v: (i % 7) - 3, a: i * 2, b: i % 11, c: -i, d: i % 5, name: `sensor-${i % 97}`, emb: tensor(Array.from({ length: EMB_WIDTH }, (_, k) => (i + k) % 13)) };
}

/** sum over records with v > 0 of id * 2 + v: what every case answers. */
export const projectionPipeline = () =>
  pipeline(
    filter((r: WideRow) => ops.greater(r.v, 0)),
    map((r: WideRow) => ops.add(ops.mul(r.id, 2), r.v)),
    reduce((acc: number | Tensor, y: Tensor) => ops.add(acc, y), 0),
  );

export type FileFormat = 'parquet' | 'arrow' | 'csv';

/**
 * The input file for `n` rows in `format`, written once (untimed) into the OS temp directory and reused by
 * later cases and runs: the data is a pure function of n.
 */
export async function inputFile(format: FileFormat, n: number): Promise<string> {
  const dir = join(tmpdir(), 'weir-bench-projection');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `wide-${n}.${format}`);
  if (existsSync(path)) return path;
  const partial = `${path}.partial.${process.pid}`;
  const sink = openSink(partial, { format });
  for (let start = 0; start < n; start += 10_000) await sink.write(Array.from({ length: Math.min(10_000, n - start) }, (_, i) => wideRow(start + i)));
  await sink.close();
  renameSync(partial, path);
  return path;
}

/** One timed run: open the file, compile, run as `weir run` does (the reader asks the plan what to leave out). */
export function fileRunner(path: string, batchSize: number, passes?: Readonly<Record<string, boolean>>): Runner {
  return async (): Promise<Answer> => {
    const source = await openSource(path, { batchSize });
    const plan = compile(projectionPipeline(), { batchSize, ...(passes ? { passes } : {}) });
    const out: unknown[] = [];
    for await (const b of plan.runSourceBatches((project) => columnBatchesOf(source, project))) out.push(...batchToRows(b));
    return single(out);
  };
}

/** One timed run over records held in memory (`from(array)`). */
export function memoryRunner(rows: readonly WideRow[], batchSize: number, passes?: Readonly<Record<string, boolean>>): Runner {
  const plan = compile(from(rows).pipe(projectionPipeline()), { batchSize, ...(passes ? { passes } : {}) });
  return async () => single(await plan.collect());
}

/** A 16x64 float32 weight for the filter-pushdown pipeline's per-record layer (seeded by position). */
const W = tensor(Array.from({ length: EMB_WIDTH }, (_, i) => Array.from({ length: 64 }, (_, k) => ((i * 7 + k * 3) % 11) / 11 - 0.4)), 'float32');

/**
 * A per-record layer over the embedding (tanh of x·W, 64 wide: the transcendental dominates), then a filter on
 * a field the map passes through (v > 2 keeps one record in seven), then the sum: filterPushdown runs the
 * filter first, so the layer runs on 1/7 of the records.
 */
export const filterPushdownPipeline = () =>
  pipeline(
    map((r: WideRow) => ({ v: r.v, s: ops.sum(ops.tanh(ops.matmul(r.emb, W))) })),
    filter((r: { v: number }) => ops.greater(r.v, 2)),
    reduce((acc: Tensor, r: { s: Tensor }) => ops.add(acc, r.s), tensor(0, 'float64')),
  );

/** One timed run of the filter-pushdown pipeline over records held in memory. */
export function filterPushdownRunner(rows: readonly WideRow[], batchSize: number, passes?: Readonly<Record<string, boolean>>): Runner {
  const plan = compile(from(rows).pipe(filterPushdownPipeline()), { batchSize, ...(passes ? { passes } : {}) });
  return async () => single(await plan.collect());
}
