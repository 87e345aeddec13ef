import { ExprGraph, OperatorDesc, optimizeExpr, OutSpec, StageIR, Tensor } from '@weir/dataflow';
import { BARE, ColumnBatch, compact } from './batch';
import { composeExprs } from './compose';
import { outputSchema, Schema } from './propagate';
import { schemaKey, schemaOf } from './schema';
import type { StageRunner } from './stage';
import type { TraceResult } from './stage-trace';
import { bindInputs, outputBatch } from './vector-stages';
import { evalBatched } from './vectorize';

type RowOp = Extract<OperatorDesc, { kind: 'map' | 'filter' }>;

export interface ChainSettings {
  readonly exprPasses?: Readonly<Record<string, boolean>>;
  /** The trace of one stage (cached, optimized), as the separate stages compute it. */
  readonly traceOf: (op: RowOp, position: number, fields: Schema) => TraceResult;
}

/**
 * Operator fusion (a stream pass, 'operatorFusion'): consecutive maps, optionally ending in one filter, run as
 * ONE graph, the stages' traces composed (compose.ts) and optimized together, so elementwise code fuses across
 * stage boundaries and no intermediate columns are built. A filter ends a chain: a map after it would compute
 * on rows eager never reaches. Each stage keeps its own trace for explain and save; when a stage is a graph
 * break, or a fused batch fails (the separate stages then find the exact element), the separate stages run.
 */
export function fusedChain(ops: readonly RowOp[], first: number, separate: readonly StageRunner[], settings: ChainSettings): StageRunner {
  let key: string | null = null;
  let fused: ((b: ColumnBatch) => ColumnBatch) | null = null;
  let irs: StageIR[] | null = null;
  const label = ops.map((o, i) => `${o.kind}#${first + i}`).join('+');

  const runSeparately = (b: ColumnBatch): ColumnBatch[] => {
    let cur = [b];
    for (const r of separate) cur = cur.flatMap((x) => (x.length > 0 ? r.process(x) : []));
    return cur;
  };

  const compileFor = (b: ColumnBatch): void => {
    fused = null;
    irs = null;
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
    // Compose the maps, then the filter's predicate on their result.
    let g = traces[0];
    const last = ops[ops.length - 1].kind === 'filter' ? ops.length - 1 : ops.length;
    for (let i = 1; i < last; i++) {
      const c = composeExprs(g, traces[i], bareIn[i]);
      if (c === null) return;
      g = c.graph;
    }
    let mapOut: OutSpec = g.output;
    let keep: OutSpec | null = null;
    if (last < ops.length) {
      const c = composeExprs(g, traces[last], bareIn[last]);
      if (c === null || c.output2.kind === 'array' || c.output2.kind === 'record') return;
      keep = c.output2;
      g = { ...c.graph, output: { kind: 'array', items: [mapOut, keep] } };
    }
    const opt = optimizeExpr(g, { passes: settings.exprPasses }).graph;
    if (opt.output.kind === 'array' && keep !== null) [mapOut, keep] = opt.output.items;
    else mapOut = opt.output;
    const names = opt.inputs.map((s) => (b.bare ? BARE : s.name));
    const out = mapOut;
    const mask = keep;
    fused = (batch) => {
      const values = evalBatched(opt, bindInputs(opt.inputs, batch, names), batch.length);
      const mapped = outputBatch(opt, out, values, batch, names);
      if (mask === null) return mapped;
      if (mask.kind === 'value') return mask.value ? mapped : compact(mapped, new Uint8Array(mapped.length));
      if (mask.kind !== 'node' || opt.nodes[mask.id].shape.length !== 0) throw new Error('the predicate must return a scalar boolean');
      const v = values[mask.id];
      if (v === undefined) throw new Error('mask missing');
      return v.batched ? compact(mapped, (v.t as Tensor).data) : v.t.data[0] ? mapped : compact(mapped, new Uint8Array(mapped.length));
    };
    irs = stageIRs;
  };

  return {
    label,
    get done() {
      return false;
    },
    process(b) {
      if (b.length === 0) return [];
      const k = schemaKey(schemaOf(b), b.bare);
      if (k !== key) {
        compileFor(b);
        key = k;
      }
      if (fused === null) return runSeparately(b);
      try {
        return [fused(b)];
      } catch {
        // Re-run through the separate stages: they report (or route) the failing element by stage and index.
        return runSeparately(b);
      }
    },
    finish: () => [],
    describe: () => (irs ?? separate.flatMap((r) => r.describe())).map((ir, i) => (irs !== null && i < irs.length - 1 ? { ...ir, fusedWithNext: true } : ir) as StageIR),
  };
}
