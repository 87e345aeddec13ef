import { ExprGraph, InputSpec, opOf, OutSpec, PipelineError, predicateValue, Tensor } from '@weir/dataflow';
import { BARE, Column, ColumnBatch, compact, rowsToBatch, batchToRows, withColumns } from './batch';
import type { RunContext } from './stage';
import { BVal, evalBatched, tile } from './vectorize';

/** The columns a traced stage reads, in the order of its graph's inputs. */
export function bindInputs(inputs: readonly InputSpec[], b: ColumnBatch, names: readonly string[]): (BVal | undefined)[] {
  return inputs.map((spec, i) => {
    const c = b.columns.get(names[i]);
    if (spec.opaque || c === undefined || c.kind === 'values') return undefined;
    return { t: c.tensor, batched: true };
  });
}

function columnOf(v: BVal, perElementRank: number, dtype: string, rows: number): Column {
  const t = v.batched ? v.t : tile(v.t, rows);
  if (perElementRank === 0) return dtype === 'bool' ? { kind: 'boolean', tensor: t } : { kind: 'number', tensor: t };
  return { kind: 'tensor', tensor: t };
}

/** A literal the callback returns, as a column (numbers and booleans typed as rowsToBatch would type them). */
function constColumn(value: unknown, rows: number): Column {
  if (typeof value === 'number') return { kind: 'number', tensor: new Tensor('float64', [rows], new Float64Array(rows).fill(value)) };
  if (typeof value === 'boolean') return { kind: 'boolean', tensor: new Tensor('bool', [rows], new Uint8Array(rows).fill(value ? 1 : 0)) };
  return { kind: 'values', values: new Array(rows).fill(value) };
}

/** Turns a traced map's outputs into the next batch's columns. */
export function outputBatch(g: ExprGraph, out: OutSpec, values: readonly (BVal | undefined)[], b: ColumnBatch, names: readonly string[]): ColumnBatch {
  const col = (o: OutSpec): Column => {
    if (o.kind === 'node') {
      const n = g.nodes[o.id];
      return columnOf(values[o.id] as BVal, n.shape.length, n.dtype, b.length);
    }
    if (o.kind === 'passthrough') {
      // A rank-0 tensor passed through leaves the stage as a number, as every map's output does.
      const c = b.columns.get(names[o.input]) as Column;
      if (c.kind === 'tensor' && c.tensor.rank === 1) return { kind: c.tensor.dtype === 'bool' ? 'boolean' : 'number', tensor: c.tensor };
      return c;
    }
    if (o.kind === 'value') return constColumn(o.value, b.length);
    throw new Error(`a traced stage cannot emit a nested ${o.kind} per element`);
  };
  const columns = new Map<string, Column>();
  if (out.kind === 'record') for (const [k, o] of out.fields) columns.set(k, col(o));
  else columns.set(BARE, col(out));
  return withColumns(b, columns, out.kind !== 'record');
}

/**
 * Runs `attempt` on the whole batch; if it throws, re-runs the batch one element at a time with `perRow`
 * (eager semantics) to find the failing element and report it by its source index, or, under a skip or
 * dead-letter policy, to route the bad elements there and keep the good ones.
 */
export function withElementErrors(
  label: string,
  b: ColumnBatch,
  ctx: RunContext,
  attempt: () => ColumnBatch,
  perRow: (row: unknown, i: number) => { keep: boolean; value?: unknown },
): ColumnBatch {
  try {
    return attempt();
  } catch (batchError) {
    const rows = batchToRows(b);
    const kept: unknown[] = [];
    const src: number[] = [];
    rows.forEach((row, i) => {
      let r: { keep: boolean; value?: unknown };
      try {
        r = perRow(row, i);
      } catch (e) {
        ctx.reject(row, new PipelineError(label, b.src[i], e, opOf(e)));
        return;
      }
      if (r.keep) {
        kept.push(r.value);
        src.push(b.src[i]);
      }
    });
    if (ctx.errors === 'fail') {
      // Every element ran fine on its own: the batch itself failed (a bug, or a shape only the batch has).
      throw new PipelineError(label, undefined, batchError, opOf(batchError));
    }
    return rowsToBatch(kept, Float64Array.from(src));
  }
}

/** A traced map: one evaluation of its graph per batch. */
export function vectorMap(label: string, g: ExprGraph, names: readonly string[], ctx: RunContext, perRow: (row: unknown, i: number) => unknown) {
  return (b: ColumnBatch): ColumnBatch =>
    withElementErrors(label, b, ctx, () => outputBatch(g, g.output, evalBatched(g, bindInputs(g.inputs, b, names), b.length), b, names),
      (row, i) => ({ keep: true, value: perRow(row, i) }));
}

/** A traced filter: the predicate's graph gives a mask; the batch is compacted by it. */
export function vectorFilter(label: string, g: ExprGraph, names: readonly string[], ctx: RunContext, perRow: (row: unknown, i: number) => unknown) {
  return (b: ColumnBatch): ColumnBatch =>
    withElementErrors(label, b, ctx, () => {
      const o = g.output;
      if (o.kind === 'value') return o.value ? b : compact(b, new Uint8Array(b.length));
      if (o.kind !== 'node') throw new Error(`the predicate of ${label} returns a ${o.kind}; expected a boolean`);
      const v = evalBatched(g, bindInputs(g.inputs, b, names), b.length)[o.id] as BVal;
      if (g.nodes[o.id].shape.length !== 0) {
        throw new Error(`the predicate of ${label} returns a tensor of shape [${g.nodes[o.id].shape.join(',')}]; expected a scalar boolean`);
      }
      return v.batched ? compact(b, (v.t as Tensor).data) : v.t.data[0] ? b : compact(b, new Uint8Array(b.length));
    }, (row, i) => {
      const keep = truthy(perRow(row, i), label);
      return { keep, value: row };
    });
}

/** A predicate's result as a JS boolean (the rule eager mode uses too), naming the stage when it is ambiguous. */
export function truthy(v: unknown, label: string): boolean {
  try {
    return predicateValue(v);
  } catch (e) {
    throw new Error(`Stage ${label}: ${(e as Error).message}`);
  }
}
