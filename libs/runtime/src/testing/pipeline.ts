import { batch, filter, from, keyBy, map, ops, reduce, scan, skip, take, window } from '@weir/dataflow';
import type { DType, Flow, OperatorDesc, WindowPane } from '@weir/dataflow';
import { inputsFromPool } from './arb-op-graph';
import { OpProgram, programOutputs, ProgramInput } from './op-program';

/**
 * A random pipeline as data (built by arb-pipeline.ts): its source, its stages and the batch size of the graph
 * run. `pipelineFlow` turns it into the Flow a user would write; `formatPipeline` (pipeline-format.ts) prints
 * that code.
 */
export interface PipelineCase {
  readonly source: SourceSpec;
  readonly rows: number;
  /** The values the source's numbers and tensor elements are drawn from (see inputsFromPool). */
  readonly pool: readonly number[];
  readonly stages: readonly StageSpec[];
  readonly batchSize: number;
  /** Delicate semantics the case exercises, so a property can leave out cases that hit a known bug. */
  readonly features: readonly PipelineFeature[];
}

/**
 * - weak-typed-fields: some program's dtypes depend on how plain JS values are typed (OpProgram.modeSensitive).
 * - acc-changes-type: a scan/reduce whose accumulator changes type after its seed (number seed, tensor results).
 * - acc-int-term: an accumulator seeded with a number that adds the max of a uint8 or int32 tensor (the acc
 *   is that integer dtype eagerly from the second step on, so it wraps; the max of an empty int32 is -2^31).
 * - reduce-uint8-tensor-fold: an unkeyed reduce adding uint8 tensors to a uint8 tensor accumulator.
 * - rank0-at-segment-end: rank-0 tensors leave, unchanged, a run of stages that graph mode executes as one
 *   eager segment ending in keyBy, take, skip or a keyed filter.
 * - rank0-through-vectorized-map: an unkeyed map passes a rank-0 tensor field through to a later stage.
 * - reduce-rank0-tensor-seed: an unkeyed reduce with a rank-0 tensor seed (emitted as is on an empty input).
 * - late-after-take: event-time windows with a take after them (the graph run reads a batch ahead, so their
 *   `late` callback may see records the eager run never reads; the late side output is then not compared).
 */
export type PipelineFeature =
  | 'weak-typed-fields' | 'acc-changes-type' | 'acc-int-term' | 'reduce-uint8-tensor-fold' | 'rank0-at-segment-end' | 'rank0-through-vectorized-map'
  | 'reduce-rank0-tensor-seed' | 'late-after-take';

/** Records `{ id, k, t, ...data }` (k a key in 0..2, t an event time, jittered so some arrive late); or bare values. */
export type SourceSpec =
  | { readonly kind: 'records'; readonly data: readonly ProgramInput[] }
  | { readonly kind: 'numbers' }
  | { readonly kind: 'tensors'; readonly dtype: DType; readonly shape: readonly number[] };

/** A scalar per element: a field (or the bare element, ''), reduced when a tensor; null field: the constant 1. */
export interface ScalarOf {
  readonly field: string | null;
  readonly reduce: 'sum' | 'max' | 'mean' | null;
}

/**
 * Accumulators: sum `acc + s`, max `maximum(acc, s)`, ema `acc * 0.5 + s`, pair `{ n: acc.n + 1, s: acc.s + s }`,
 * tensor `acc + x.field` from `zeros(shape, dtype)`, growing `acc + x.field` from the number 0.
 */
export interface AccSpec {
  readonly kind: 'sum' | 'max' | 'ema' | 'pair' | 'tensor' | 'growing';
  readonly of: ScalarOf;
  readonly field?: string;
  readonly dtype?: DType;
  readonly shape?: readonly number[];
}

export type KeySpec = { readonly field: string } | { readonly mod: string } | { readonly positive: ScalarOf };

export type StageSpec =
  | { readonly kind: 'map'; readonly program: OpProgram; readonly bind: readonly string[]; readonly form: 'spread' | 'project' | 'bare'; readonly keep: readonly string[]; readonly names: readonly string[] }
  | { readonly kind: 'filter'; readonly program: OpProgram; readonly bind: readonly string[]; readonly test: FilterTest; readonly threshold: number }
  | { readonly kind: 'keyBy'; readonly by: KeySpec }
  | { readonly kind: 'scan' | 'reduce'; readonly acc: AccSpec }
  | { readonly kind: 'countWindow'; readonly size: number; readonly slide: number; readonly summary: ScalarOf; readonly ids: boolean }
  | { readonly kind: 'batch'; readonly size: number; readonly summary: ScalarOf; readonly ids: boolean }
  | { readonly kind: 'timeWindow'; readonly size: number; readonly slide: number; readonly allowedLateness: number; readonly summary: ScalarOf; readonly keyed: boolean }
  | { readonly kind: 'take' | 'skip'; readonly count: number };

/** A filter's predicate on its program's last output: any/all of a bool, or `reduce(v) <cmp> threshold`. */
export type FilterTest = 'any' | 'all' | `${'sum' | 'max' | 'min' | 'mean'}:${'greater' | 'less' | 'greaterEqual' | 'lessEqual' | 'notEqual'}`;

type Row = Record<string, unknown>;
type OpFn = (...args: unknown[]) => unknown;
const call = (name: string, ...args: unknown[]): unknown => ((ops as unknown as Record<string, OpFn>)[name] as OpFn)(...args);
const get = (x: unknown, field: string): unknown => (field === '' ? x : (x as Row)[field]);
const finite = (x: number): number => (Number.isFinite(x) ? Math.trunc(x) : 0);

/** The source's elements. */
export function sourceRows(c: PipelineCase): unknown[] {
  const at = (i: number) => c.pool[i % c.pool.length];
  return Array.from({ length: c.rows }, (_, i) => {
    if (c.source.kind === 'numbers') return at(i);
    if (c.source.kind === 'tensors') return inputsFromPool([{ name: 'x', kind: 'tensor', dtype: c.source.dtype, shape: c.source.shape }], c.pool, i)[0];
    const data = inputsFromPool(c.source.data, c.pool, i);
    const row: Row = { id: `r${i}`, k: Math.abs(finite(at(i))) % 3, t: i * 10 + finite(at(i + 1)) * 3 };
    c.source.data.forEach((d, j) => (row[d.name] = data[j]));
    return row;
  });
}

/**
 * The Flow the case stands for, with the late records of its event-time windows collected as a side output
 * (compared too, except under 'late-after-take').
 */
export function pipelineFlow(c: PipelineCase): { flow: Flow<unknown>; side: () => unknown } {
  const late: unknown[] = [];
  const operators = c.stages.flatMap((s) => stageOperators(s, late));
  const flow = from(sourceRows(c)).pipe(...operators) as Flow<unknown>;
  return { flow, side: () => (c.features.includes('late-after-take') ? { late: 'not compared (late-after-take)' } : { late }) };
}

function scalarOf(s: ScalarOf, x: unknown): unknown {
  if (s.field === null) return 1;
  const v = get(x, s.field);
  return s.reduce === null ? v : call(s.reduce, v);
}

const sumOver = (s: ScalarOf, xs: readonly unknown[]): unknown => xs.reduce((a: unknown, e) => ops.add(a as number, scalarOf(s, e) as number), 0);

function stageOperators(s: StageSpec, late: unknown[]): OperatorDesc[] {
  switch (s.kind) {
    case 'map': {
      const f = programOutputs(s.program);
      return [map((r: unknown) => {
        const outs = f(ops, ...s.bind.map((b) => get(r, b)));
        if (s.form === 'bare') return outs[outs.length - 1];
        const named = Object.fromEntries(s.names.map((n, i) => [n, outs[i]]));
        return s.form === 'spread' ? { ...(r as Row), ...named } : { ...Object.fromEntries(s.keep.map((k) => [k, (r as Row)[k]])), ...named };
      })];
    }
    case 'filter': {
      const f = programOutputs(s.program);
      return [filter((r: unknown) => {
        const outs = f(ops, ...s.bind.map((b) => get(r, b)));
        return predicate(s.test, outs[outs.length - 1], s.threshold);
      })];
    }
    case 'keyBy': {
      const by = s.by;
      if ('field' in by) return [keyBy((r: unknown) => get(r, by.field))];
      if ('mod' in by) return [keyBy((r: unknown) => ops.mod(get(r, by.mod) as number, 2))];
      return [keyBy((r: unknown) => ops.greater(scalarOf(by.positive, r) as number, 0))];
    }
    case 'scan':
    case 'reduce': {
      const [step, seed] = accumulator(s.acc);
      return [s.kind === 'scan' ? scan(step, seed) : reduce(step, seed)];
    }
    case 'countWindow':
    case 'batch': {
      const w = s.kind === 'batch' ? batch(s.size) : window({ size: s.size, slide: s.slide });
      return [w, map((xs: unknown[]) => ({ n: xs.length, s: sumOver(s.summary, xs), ...(s.ids ? { first: (xs[0] as Row).id } : {}) }))];
    }
    case 'timeWindow':
      return [
        window({ time: 't', size: s.size, slide: s.slide, allowedLateness: s.allowedLateness, late: (r, info) => late.push({ r, ...info }) }),
        map((p: WindowPane<unknown>) => ({
          start: p.start, end: p.end, t: p.start, n: p.records.length, s: sumOver(s.summary, p.records), ...(s.keyed ? { key: p.key } : {}),
        })),
      ];
    case 'take': return [take(s.count)];
    case 'skip': return [skip(s.count)];
  }
}

function predicate(test: FilterTest, v: unknown, threshold: number): unknown {
  if (test === 'any') return ops.max(v as number);
  if (test === 'all') return ops.min(v as number);
  const [red, cmp] = test.split(':');
  return call(cmp, call(red, v), threshold);
}

function accumulator(a: AccSpec): [(acc: any, x: unknown) => unknown, unknown] {
  const s = (x: unknown) => scalarOf(a.of, x) as number;
  switch (a.kind) {
    case 'sum': return [(acc, x) => ops.add(acc, s(x)), 0];
    case 'max': return [(acc, x) => ops.maximum(acc, s(x)), -Infinity];
    case 'ema': return [(acc, x) => ops.add(ops.mul(acc, 0.5), s(x)), 0];
    case 'pair': return [(acc, x) => ({ n: ops.add(acc.n, 1), s: ops.add(acc.s, s(x)) }), { n: 0, s: 0 }];
    case 'tensor': return [(acc, x) => ops.add(acc, get(x, a.field as string) as number), ops.zeros([...(a.shape ?? [])], a.dtype)];
    case 'growing': return [(acc, x) => ops.add(acc, get(x, a.field as string) as number), 0];
  }
}
