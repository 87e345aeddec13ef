import { PASS_NAMES } from '@weir/optimizer';
import {
  batch as batchOp, ExprGraph, optimizeExpr, filter as filterOp, flatMap as flatMapOp, FieldType, keyBy as keyByOp, map as mapOp, normalizeElement, OperatorDesc,
  opOf, PipelineError, reduce as reduceOp, scan as scanOp, skip as skipOp, StageIR, take as takeOp, window as windowOp,
} from '@weir/dataflow';
import { BARE, ColumnBatch, batchToRows, rowsToBatch } from './batch';
import { eagerSegment } from './eager-segment';
import { placeholderIR } from './placeholder-ir';
import { reduceStage } from './reduce-stage';
import { fusedChain } from './fused-chain';
import type { Schema } from './propagate';
import { graphRowFn, graphStepFn } from './graph-fn';
import { schemaKey, schemaOf } from './schema';
import type { RunContext, StageRunner } from './stage';
import { traceIndexedFn, traceRowFn, traceStepFn, TraceResult } from './stage-trace';
import { truthy, vectorFilter, vectorMap } from './vector-stages';

export interface CompileSettings {
  readonly fullGraph: boolean;
  readonly passes?: Readonly<Record<string, boolean>>;
}

/**
 * Stream-level passes; every other pass name goes to the expression optimizer. Where each acts: operator
 * fusion and filter pushdown when a map chain's stage runner is built (fused-chain.ts), projection pushdown
 * when the source's schema is known (plan.ts). The decisions are the optimizer's (optimizer/stream/*).
 */
export const STREAM_PASSES = ['operatorFusion', 'filterPushdown', 'projectionPushdown'] as const;

/** Every pass `compile(..., { passes })` switches by name: the expression passes, then the stream passes. */
export const PLAN_PASSES: readonly string[] = [...PASS_NAMES, ...STREAM_PASSES];

export function exprPasses(passes: CompileSettings['passes']): Readonly<Record<string, boolean>> | undefined {
  if (passes === undefined) return undefined;
  return Object.fromEntries(Object.entries(passes).filter(([k]) => !(STREAM_PASSES as readonly string[]).includes(k)));
}

/** A trace with the optimizer's passes applied (and their log kept for explain). */
export function optimizedTrace(tr: TraceResult, settings: CompileSettings): TraceResult {
  if (!('expr' in tr) || 'traced' in tr) return tr;
  const r = optimizeExpr(tr.expr, { passes: exprPasses(settings.passes) });
  return { expr: r.graph, traced: tr.expr, passLog: r.log };
}

/** Traces shared by every run of a plan, keyed by stage position and input schema (traces are immutable). */
export type TraceCache = Map<string, TraceResult>;

/**
 * Turns the operator chain into this run's stage runners. map and filter before any keyBy become vectorized
 * stages (traced on the first batch, retraced if the schema changes) or per-element stages at a graph break;
 * tap runs per element (it exists for its JS side effect); the rest run as eager segments.
 * `loaded` holds a saved plan's stages: their graphs stand in for the user's callbacks.
 */
export function buildRunners(
  ops: readonly OperatorDesc[], loaded: readonly StageIR[] | null, settings: CompileSettings, ctx: RunContext, cache: TraceCache,
): StageRunner[] {
  const runners: StageRunner[] = [];
  let i = 0;
  const fusion = loaded === null && settings.passes?.operatorFusion !== false;
  const pushdown = loaded === null && settings.passes?.filterPushdown !== false;
  while (i < ops.length) {
    const op = ops[i];
    const chainEnd = (fusion || pushdown) && op.kind === 'map' ? endOfChain(ops, i) : i;
    // An unkeyed reduce right after the chain folds into it (a keyed one is part of a keyBy segment).
    const next = ops[chainEnd];
    const reduce = fusion && chainEnd > i && next?.kind === 'reduce' ? reduceStage(next, chainEnd, null, settings, ctx, cache) : undefined;
    // Unfused, a chain needs a runner of its own only for a filter that may run before the maps.
    const chained = fusion ? chainEnd - i >= 2 || reduce !== undefined : chainEnd - i >= 2 && ops[chainEnd - 1].kind === 'filter';
    if (chained) {
      const chain = ops.slice(i, chainEnd) as Extract<OperatorDesc, { kind: 'map' | 'filter' }>[];
      const separate = chain.map((o, k) => rowStage(o, i + k, undefined, settings, ctx, cache));
      runners.push(fusedChain(chain, i, separate, {
        exprPasses: exprPasses(settings.passes),
        traceOf: (o, position, schema) => traceOf(o, position, schema, settings, cache),
        fuse: fusion,
        filterPushdown: pushdown,
        reduce,
      }));
      i = chainEnd + (reduce !== undefined ? 1 : 0);
    } else if (op.kind === 'map' || op.kind === 'filter') {
      runners.push(rowStage(op, i, loaded?.[i], settings, ctx, cache));
      i++;
    } else if (op.kind === 'tap') {
      runners.push(tapStage(op.fn, i, ctx));
      i++;
    } else if (op.kind === 'reduce') {
      // An unkeyed reduce folds batch by batch (keyed ones run in the keyBy's segment).
      const s = loaded?.[i];
      runners.push(reduceStage(op, i, s !== undefined && 'expr' in s ? s.expr : null, settings, ctx, cache));
      i++;
    } else {
      // keyBy scopes state over everything after it, so a segment that reaches a keyBy runs to the end.
      let j = i;
      let keyed = false;
      while (j < ops.length && (keyed || !['map', 'filter', 'tap', 'reduce'].includes(ops[j].kind))) {
        if (ops[j].kind === 'keyBy') keyed = true;
        j++;
      }
      runners.push(lazySegment(ops.slice(i, j), i, loaded?.slice(i, j) ?? null, settings, cache));
      i = j;
    }
  }
  return runners;
}

/** Consecutive maps from `i`, and one filter after them: what operator fusion runs as one stage. */
function endOfChain(ops: readonly OperatorDesc[], i: number): number {
  let j = i;
  while (j < ops.length && ops[j].kind === 'map') j++;
  if (j < ops.length && ops[j].kind === 'filter') j++;
  return j;
}

/** A map or filter traced for `schema`, as its own stage would trace it (shared through the cache). */
function traceOf(
  op: Extract<OperatorDesc, { kind: 'map' | 'filter' }>, position: number, schema: Schema, settings: CompileSettings, cache: TraceCache,
): TraceResult {
  const k = `${position}|${schemaKey(schema.fields, schema.bare)}`;
  const tr = cache.get(k) ?? optimizedTrace(traceIndexedFn(op.fn, schema.fields, schema.bare), settings);
  cache.set(k, tr);
  return tr;
}

function breakError(label: string, reason: string): Error {
  return new Error(`Stage ${label} cannot be compiled into the graph (fullGraph: true): ${reason}`);
}

function rowStage(
  op: Extract<OperatorDesc, { kind: 'map' | 'filter' }>, position: number, saved: StageIR | undefined,
  settings: CompileSettings, ctx: RunContext, cache: TraceCache,
): StageRunner {
  const label = `${op.kind}#${position}`;
  let key: string | null = null;
  let run: ((b: ColumnBatch) => ColumnBatch) | null = null;
  let ir: StageIR = { kind: op.kind, position, expr: null, breakReason: 'not traced yet (no input seen)' };
  let index = 0;
  const savedExpr = saved !== undefined && 'expr' in saved ? saved.expr : null;
  const perRowUser = (row: unknown, i: number) => normalizeElement(op.fn(row, i));

  const compileFor = (b: ColumnBatch): void => {
    const fields = schemaOf(b);
    const k = `${position}|${schemaKey(fields, b.bare)}`;
    let tr: TraceResult;
    if (savedExpr !== null) {
      checkSavedInputs(label, savedExpr, fields, b.bare);
      tr = { expr: savedExpr };
    } else {
      tr = cache.get(k) ?? optimizedTrace(traceIndexedFn(op.fn, fields, b.bare), settings);
      cache.set(k, tr);
    }
    if ('breakReason' in tr) {
      if (settings.fullGraph) throw breakError(label, tr.breakReason);
      ir = { kind: op.kind, position, expr: null, breakReason: tr.breakReason };
      run = (batch) => perElement(label, op.kind, batch, ctx, (row) => op.fn(row, index++));
    } else {
      const g = tr.expr;
      ir = { kind: op.kind, position, expr: g, ...('traced' in tr ? { traced: tr.traced, passLog: tr.passLog } : {}) };
      const names = g.inputs.map((s) => (b.bare ? BARE : s.name));
      const perRow = savedExpr !== null ? (() => { const f = graphRowFn(g, label); return (row: unknown) => f(row); })() : perRowUser;
      run = op.kind === 'map' ? vectorMap(label, g, names, ctx, perRow) : vectorFilter(label, g, names, ctx, perRow);
    }
  };

  return {
    label,
    done: false,
    process(b) {
      if (b.length === 0) return [];
      const fields = schemaOf(b);
      const k = `${position}|${schemaKey(fields, b.bare)}`;
      if (k !== key || run === null) {
        compileFor(b);
        key = k;
      }
      return [(run as (b: ColumnBatch) => ColumnBatch)(b)];
    },
    finish: () => [],
    describe: () => [ir],
  };
}

/** Runs a map or filter callback per element (a graph break). */
function perElement(label: string, kind: 'map' | 'filter', b: ColumnBatch, ctx: RunContext, f: (row: unknown) => unknown): ColumnBatch {
  const rows = batchToRows(b);
  const out: unknown[] = [];
  const src: number[] = [];
  rows.forEach((row, i) => {
    try {
      const v = f(row);
      if (kind === 'map') out.push(normalizeElement(v));
      else if (!truthy(v, label)) return;
      else out.push(row);
      src.push(b.src[i]);
    } catch (e) {
      ctx.reject(row, new PipelineError(label, b.src[i], e, opOf(e)));
    }
  });
  return rowsToBatch(out, Float64Array.from(src));
}

function tapStage(f: (x: unknown, i: number) => void, position: number, ctx: RunContext): StageRunner {
  const label = `tap#${position}`;
  let index = 0;
  return {
    label,
    done: false,
    process(b) {
      const rows = batchToRows(b);
      let failed = false;
      const keep: number[] = [];
      rows.forEach((row, i) => {
        try {
          f(row, index++);
          keep.push(i);
        } catch (e) {
          failed = true;
          ctx.reject(row, new PipelineError(label, b.src[i], e, opOf(e)));
        }
      });
      return [failed ? rowsToBatch(keep.map((i) => rows[i]), Float64Array.from(keep.map((i) => b.src[i]))) : b];
    },
    finish: () => [],
    describe: () => [{ kind: 'tap', position, expr: null, breakReason: 'tap runs its JS callback per element, for its side effect' }],
  };
}

function checkSavedInputs(label: string, g: ExprGraph, fields: readonly FieldType[], bare: boolean): void {
  for (const s of g.inputs) {
    const name = bare ? BARE : s.name;
    const f = fields.find((x) => x.name === name);
    const ok = f !== undefined && (s.opaque ? true : f.kind === 'tensor' ? s.dtype === f.dtype && s.shape.join() === (f.shape ?? []).join() : s.shape.length === 0);
    if (!ok) {
      const got = f === undefined ? 'missing' : `${f.kind}${f.dtype ? ' ' + f.dtype : ''}${f.shape ? '[' + f.shape.join(',') + ']' : ''}`;
      throw new Error(`Stage ${label} of the saved plan reads field '${s.name || 'x'}' as ${s.dtype}[${s.shape.join(',')}], but the input has ${got}`);
    }
  }
}

/**
 * An eager segment whose traceable callbacks (keyBy keys, scan and reduce steps at the segment's input
 * schema) are traced on the first batch, for explain and save, and then run through their graphs.
 */
const NOT_TRACED = 'not traced yet (no input seen)';

function lazySegment(ops: readonly OperatorDesc[], first: number, saved: readonly StageIR[] | null, settings: CompileSettings, cache: TraceCache): StageRunner {
  let inner: StageRunner | null = null;
  let irs: StageIR[] = ops.map((o, i) => placeholderIR(o, first + i, NOT_TRACED));
  const start = (b: ColumnBatch): StageRunner => {
    const fields = schemaOf(b);
    const built = saved !== null ? fromSaved(saved) : traceSegment(ops, first, fields, b.bare, settings, cache);
    irs = built.irs;
    return eagerSegment(built.ops, first, () => irs);
  };
  return {
    get label() {
      return inner?.label ?? ops.map((o, i) => `${o.kind}#${first + i}`).join(' -> ');
    },
    get done() {
      return inner?.done ?? false;
    },
    process(b) {
      inner ??= start(b);
      return inner.process(b);
    },
    finish() {
      // A segment that never saw input still flushes (a reduce over nothing emits its seed).
      inner ??= eagerSegment(saved !== null ? fromSaved(saved).ops : ops, first, () => irs);
      return inner.finish();
    },
    describe: () => irs,
  };
}


/** Traces what can be traced at the segment's input schema; ops after a schema change stay per element. */
function traceSegment(
  ops: readonly OperatorDesc[], first: number, fields: readonly FieldType[], bare: boolean, settings: CompileSettings, cache: TraceCache,
): { ops: OperatorDesc[]; irs: StageIR[] } {
  let schemaKnown = true;
  let keyed = false;
  const outOps: OperatorDesc[] = [];
  const irs: StageIR[] = [];
  ops.forEach((o, i) => {
    const position = first + i;
    const label = `${o.kind}#${position}`;
    const k = `${position}|${schemaKey(fields, bare)}`;
    const unknownReason = 'its input schema is only known at run time (it follows a stage that reshapes records)';
    const traced = (raw: TraceResult | null, make: (g: ExprGraph) => OperatorDesc, extra: Partial<StageIR> = {}): void => {
      const tr = raw === null ? null : optimizedTrace(raw, settings);
      if (tr !== null) cache.set(k, tr);
      if (tr !== null && 'expr' in tr) {
        outOps.push(make(tr.expr));
        const log = 'traced' in tr ? { traced: tr.traced, passLog: tr.passLog } : {};
        irs.push({ kind: o.kind, position, expr: tr.expr, keyed, ...extra, ...log } as StageIR);
      } else {
        const reason = tr === null ? unknownReason : tr.breakReason;
        if (settings.fullGraph && tr !== null) throw breakError(label, reason);
        outOps.push(o);
        irs.push({ kind: o.kind, position, expr: null, breakReason: reason, keyed, ...extra } as StageIR);
      }
    };
    switch (o.kind) {
      case 'keyBy':
        traced(schemaKnown ? cache.get(k) ?? traceRowFn(o.fn, fields, bare) : null, (g) => keyByOp(graphRowFn(g, label)));
        keyed = true;
        break;
      case 'scan':
      case 'reduce': {
        const tr = schemaKnown ? cache.get(k) ?? traceStepFn(o.fn, o.seed, fields, bare) : null;
        const make = (g: ExprGraph) => (o.kind === 'scan' ? scanOp(graphStepFn(g, label), o.seed) : reduceOp(graphStepFn(g, label), o.seed));
        traced(tr, make, { seed: o.seed });
        schemaKnown = false;
        break;
      }
      case 'filter':
      case 'map': {
        const tr = schemaKnown ? cache.get(k) ?? traceIndexedFn(o.fn, fields, bare) : null;
        traced(tr, (g) => (o.kind === 'map' ? mapOp(graphRowFn(g, label)) : filterOp(graphRowFn(g, label))));
        if (o.kind === 'map') schemaKnown = false;
        break;
      }
      case 'flatMap': {
        // A flatMap whose callback returns a fixed-length array traces; its graph runs per element.
        const tr = schemaKnown ? cache.get(k) ?? traceIndexedFn(o.fn, fields, bare, true) : null;
        traced(tr, (g) => flatMapOp(graphRowFn(g, label) as (x: unknown) => unknown[]));
        schemaKnown = false;
        break;
      }
      case 'take': case 'skip': case 'tap':
        outOps.push(o);
        irs.push(o.kind === 'tap' ? { kind: 'tap', position, expr: null, breakReason: 'tap runs its JS callback per element, for its side effect' } : placeholderIR(o, position, NOT_TRACED));
        break;
      default:
        outOps.push(o);
        irs.push(placeholderIR(o, position, NOT_TRACED));
        schemaKnown = false;
    }
  });
  return { ops: outOps, irs };
}

/** Operator descriptors for a saved plan's segment: graphs stand in for the callbacks. */
function fromSaved(saved: readonly StageIR[]): { ops: OperatorDesc[]; irs: StageIR[] } {
  const ops = saved.map((s): OperatorDesc => {
    const label = `${s.kind}#${s.position}`;
    switch (s.kind) {
      case 'batch': return batchOp(s.size);
      case 'take': return takeOp(s.count);
      case 'skip': return skipOp(s.count);
      case 'countWindow': return windowOp({ size: s.size, slide: s.slide });
      case 'timeWindow': return windowOp({ time: s.time, size: s.size, slide: s.slide, allowedLateness: s.allowedLateness });
      case 'zip': case 'merge': throw new Error(`Stage ${label} cannot run from a saved plan: it reads another flow`);
      default: {
        if (s.expr === null) throw new Error(`Stage ${label} of the saved plan has no graph (${s.breakReason ?? 'graph break'})`);
        const g = s.expr;
        if (s.kind === 'keyBy') return keyByOp(graphRowFn(g, label));
        if (s.kind === 'scan') return scanOp(graphStepFn(g, label), s.seed);
        if (s.kind === 'reduce') return reduceOp(graphStepFn(g, label), s.seed);
        if (s.kind === 'map') return mapOp(graphRowFn(g, label));
        if (s.kind === 'filter') return filterOp(graphRowFn(g, label));
        if (s.kind === 'flatMap') return flatMapOp(graphRowFn(g, label) as (x: unknown) => unknown[]);
        throw new Error(`Stage ${label} cannot run from a saved plan`);
      }
    }
  });
  return { ops, irs: [...saved] };
}
