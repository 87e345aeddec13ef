import { ExprGraph, OperatorDesc, optimizeExpr, OutSpec, StageIR, Tensor } from '@weir/dataflow';
import { NotANumberInRun } from '@weir/kernels-cpu';
import { filterReadsPassedThrough } from '@weir/optimizer';
import { BARE, ColumnBatch, compact } from './batch';
import { composeExprs, subgraph } from './compose';
import { foldEvaluator, FoldEvaluator } from './fold-batch';
import { outputSchema, Schema } from './propagate';
import { schemaKey, schemaOf } from './schema';
import type { ReduceRunner } from './reduce-stage';
import type { StageRunner } from './stage';
import type { TraceResult } from './stage-trace';
import { bindInputs, outputBatch } from './vector-stages';
import { evalBatched } from './vectorize';

type RowOp = Extract<OperatorDesc, { kind: 'map' | 'filter' }>;

export interface ChainSettings {
  readonly exprPasses?: Readonly<Record<string, boolean>>;
  /** The trace of one stage (cached, optimized), as the separate stages compute it. */
  readonly traceOf: (op: RowOp, position: number, fields: Schema) => TraceResult;
  /** The stream pass operatorFusion: the stages run as one composed graph (off: each runs as its own stage). */
  readonly fuse: boolean;
  /** The stream pass filterPushdown: a filter reading only fields the maps pass through runs before them. */
  readonly filterPushdown: boolean;
  /** An unkeyed reduce right after the chain: folded into the chain's batch evaluation when its step folds. */
  readonly reduce?: ReduceRunner;
}

/**
 * Operator fusion (a stream pass, 'operatorFusion'): consecutive maps, optionally ending in one filter, run as
 * ONE graph, the stages' traces composed (compose.ts) and optimized together, so elementwise code fuses across
 * stage boundaries and no intermediate columns are built. A filter ends a chain: a map after it would compute
 * on rows eager never reaches. Each stage keeps its own trace for explain and save; when a stage is a graph
 * break, or a fused batch fails (the separate stages then find the exact element), the separate stages run.
 *
 * Two more stream passes act here, where the traces are known:
 * - filterPushdown: when the filter reads only fields every map passes through unchanged, the predicate runs
 *   first, on the chain's input, and the maps only on the rows it keeps.
 * - An unkeyed reduce after the chain whose step is a fold (`acc ⊕ f(x)`) joins it (`settings.reduce`): each
 *   batch is one evaluation of `reduce(where(keep, f(map(x)), identity))`, with no mapped or filtered batch.
 */
export function fusedChain(ops: readonly RowOp[], first: number, separate: readonly StageRunner[], settings: ChainSettings): StageRunner {
  let key: string | null = null;
  let fused: ((b: ColumnBatch) => ColumnBatch[]) | null = null;
  let irs: StageIR[] | null = null;
  let pushedDown = false;
  let foldedIn = false;
  let batchStep: ExprGraph | undefined;
  const reduce = settings.reduce;
  const label = [...ops.map((o, i) => `${o.kind}#${first + i}`), ...(reduce ? [reduce.label] : [])].join('+');
  const runners = reduce ? [...separate, reduce] : separate;

  const runSeparately = (b: ColumnBatch): ColumnBatch[] => {
    let cur = [b];
    for (const r of runners) cur = cur.flatMap((x) => (x.length > 0 ? r.process(x) : []));
    return cur;
  };
  const toReduce = (bs: ColumnBatch[]): ColumnBatch[] => (reduce ? bs.flatMap((x) => (x.length > 0 ? reduce.process(x) : [])) : bs);

  const compileFor = (b: ColumnBatch): void => {
    fused = null;
    irs = null;
    pushedDown = false;
    foldedIn = false;
    batchStep = undefined;
    let schema: Schema | null = { fields: schemaOf(b), bare: b.bare };
    const traces: ExprGraph[] = [];
    const stageIRs: StageIR[] = [];
    const bareIn: boolean[] = [];
    for (let i = 0; i < ops.length; i++) {
      if (schema === null) return;
      const tr = settings.traceOf(ops[i], first + i, schema);
      if (!('expr' in tr)) return;
      bareIn.push(schema.bare);
      traces.push(tr.traced ?? tr.expr);
      stageIRs.push({ kind: ops[i].kind, position: first + i, expr: tr.expr, ...(tr.traced ? { traced: tr.traced, passLog: tr.passLog } : {}) });
      if (ops[i].kind === 'map') schema = outputSchema(tr.traced ?? tr.expr, schema);
    }
    if (schema === null) return;
    // Compose the maps, then the filter's predicate on their result.
    let g = traces[0];
    const last = ops[ops.length - 1].kind === 'filter' ? ops.length - 1 : ops.length;
    for (let i = 1; i < last; i++) {
      const c = composeExprs(g, traces[i], bareIn[i]);
      if (c === null) return;
      g = c.graph;
    }
    const maps = g;
    const mapOut: OutSpec = g.output;
    let keep: OutSpec | null = null;
    if (last < ops.length) {
      const c = composeExprs(g, traces[last], bareIn[last]);
      if (c === null || c.output2.kind === 'array' || c.output2.kind === 'record') return;
      keep = c.output2;
      g = { ...c.graph, output: { kind: 'array', items: [mapOut, keep] } };
    }
    const names = g.inputs.map((s) => (b.bare ? BARE : s.name));
    pushedDown = keep !== null && settings.filterPushdown && filterReadsPassedThrough(traces.slice(0, last), traces[last], bareIn);
    // Filter first (pushed down): the predicate on the input batch, and the rest only on the rows it keeps.
    const predicate = pushedDown ? optimizeExpr(traces[last], { passes: settings.exprPasses }).graph : null;
    const filterFirst = (batch: ColumnBatch): ColumnBatch => {
      if (predicate === null) return batch;
      // Records only (filterReadsPassedThrough refuses bare streams): columns are named by their fields.
      const pNames = predicate.inputs.map((s) => s.name);
      return applyMask(predicate, predicate.output, evalBatched(predicate, bindInputs(predicate.inputs, batch, pNames), batch.length), batch);
    };
    if (!settings.fuse) {
      // Operator fusion off: the maps run as their own stages, after the filter when it could be moved.
      if (!pushedDown) return;
      const maps = separate.slice(0, -1);
      fused = (batch) => {
        let cur = [filterFirst(batch)];
        for (const r of maps) cur = cur.flatMap((x) => (x.length > 0 ? r.process(x) : []));
        return cur;
      };
      irs = stageIRs;
      return;
    }
    const folded = reduce === undefined ? null : foldedChain(pushedDown ? maps : g, mapOut, pushedDown ? null : keep, reduce, schema, settings.exprPasses);
    if (folded !== null) {
      fused = (batch) => {
        const kept = filterFirst(batch);
        const term = kept.length === 0 ? null : folded(kept, names);
        if (term !== null) (reduce as ReduceRunner).absorb(term);
        return [];
      };
      irs = stageIRs;
      foldedIn = true;
      batchStep = folded.batchGraph;
      return;
    }
    const run = pushedDown ? mapsOnly(maps, names, settings.exprPasses) : fusedMapsAndFilter(g, mapOut, keep, names, settings.exprPasses);
    fused = (batch) => {
      const kept = filterFirst(batch);
      return kept.length === 0 ? [] : run(kept);
    };
    irs = stageIRs;
  };

  const runner: StageRunner = {
    label,
    get done() {
      return false;
    },
    acceptsUncheckedRuns: true,
    process(b) {
      if (b.length === 0) return [];
      const k = schemaKey(schemaOf(b), b.bare);
      if (k !== key) {
        compileFor(b);
        key = k;
      }
      // Only the fused batch step reads an unchecked run (checking as it reads); the separate stages get the
      // checked batch.
      if (fused === null) return runSeparately(b.unchecked?.() ?? b);
      let out: ColumnBatch[];
      try {
        out = fused(b);
      } catch (e) {
        // A value of an unchecked run is not a number: the batch, built the checked way, from the start.
        if (e instanceof NotANumberInRun && b.unchecked !== undefined) return runner.process(b.unchecked());
        // Re-run through the separate stages: they report (or route) the failing element by stage and index.
        return runSeparately(b.unchecked?.() ?? b);
      }
      // Outside the try: a reduce stepping row by row handles its own errors, and must not see a batch twice.
      return toReduce(out);
    },
    finish: () => (reduce ? reduce.finish() : []),
    describe: () => {
      const chain = irs ?? separate.flatMap((r) => r.describe());
      const all = reduce ? [...chain, ...reduce.describe()] : chain;
      // The stages before `joined` run as one graph with the next one.
      const joined = irs === null || !settings.fuse ? 0 : foldedIn ? all.length - 1 : chain.length - 1;
      return all.map((ir, i) => {
        let out = i < joined ? ({ ...ir, fusedWithNext: true } as StageIR) : ir;
        if (foldedIn && batchStep !== undefined && i === all.length - 1) out = { ...out, batchStep } as StageIR;
        if (pushedDown && irs !== null && i === ops.length - 1) out = { ...out, pushedDown: true } as StageIR;
        return out;
      });
    },
  };
  return runner;
}

/** The maps and filter as one graph over the batch, the mask applied to the mapped batch. */
function fusedMapsAndFilter(
  g: ExprGraph, mapOut: OutSpec, keep: OutSpec | null, names: readonly string[], passes: ChainSettings['exprPasses'],
): (b: ColumnBatch) => ColumnBatch[] {
  const opt = optimizeExpr(g, { passes }).graph;
  let out = mapOut;
  let mask = keep;
  if (opt.output.kind === 'array' && keep !== null) [out, mask] = opt.output.items;
  else out = opt.output;
  return (batch) => {
    const values = evalBatched(opt, bindInputs(opt.inputs, batch, names), batch.length);
    const mapped = outputBatch(opt, out, values, batch, names);
    return [mask === null ? mapped : applyMask(opt, mask, values, mapped)];
  };
}

/** The composed maps alone over the batch (their filter already ran: filterPushdown). */
function mapsOnly(maps: ExprGraph, names: readonly string[], passes: ChainSettings['exprPasses']): (b: ColumnBatch) => ColumnBatch[] {
  const m = optimizeExpr(maps, { passes }).graph;
  return (batch) => [outputBatch(m, m.output, evalBatched(m, bindInputs(m.inputs, batch, names), batch.length), batch, names)];
}

function applyMask(g: ExprGraph, mask: OutSpec, values: ReturnType<typeof evalBatched>, b: ColumnBatch): ColumnBatch {
  if (mask.kind === 'value') return mask.value ? b : compact(b, new Uint8Array(b.length));
  if (mask.kind !== 'node' || g.nodes[mask.id].shape.length !== 0) throw new Error('the predicate must return a scalar boolean');
  const v = values[mask.id];
  if (v === undefined) throw new Error('mask missing');
  return v.batched ? compact(b, (v.t as Tensor).data) : v.t.data[0] ? b : compact(b, new Uint8Array(b.length));
}

/**
 * The chain with the reduce's fold term composed after it, as a batch evaluator; null when the reduce does
 * not fold or its term reads something the chain does not produce as a value.
 */
function foldedChain(
  g: ExprGraph, mapOut: OutSpec, keep: OutSpec | null, reduce: ReduceRunner, schema: Schema, passes: ChainSettings['exprPasses'],
): FoldEvaluator | null {
  const prep = reduce.prepare(schema.fields, schema.bare);
  if (prep === null) return null;
  const c = composeExprs({ ...g, output: mapOut }, subgraph(prep.graph, prep.fold.term), schema.bare);
  if (c === null) return null;
  return foldEvaluator(c.graph, c.output2, keep, prep.fold, passes);
}
