import { ExprGraph, FieldType, normalizeElement, opOf, PipelineError, ReduceOperator, runOp, scalar, Tensor, isTensor } from '@weir/dataflow';
import { BARE, batchToRows, ColumnBatch, rowsToBatch } from './batch';
import { CompileSettings, optimizedTrace } from './compile-stages';
import { graphStepFn } from './graph-fn';
import { schemaOf } from './schema';
import type { RunContext, StageRunner } from './stage';
import { traceStepFn, TraceResult } from './stage-trace';
import { bindInputs } from './vector-stages';
import { evalBatched } from './vectorize';

/** Folds whose batch result combines with the accumulator by the same op (associative and commutative). */
const FOLDS: Readonly<Record<string, string>> = { add: 'sum', maximum: 'max', minimum: 'min' };

/** The shape of a step `acc ⊕ f(x)`: which op, and the node computing f(x) from the element alone. */
export interface Fold {
  readonly op: string;
  readonly reduce: string;
  readonly term: number;
}

/**
 * Recognizes a step graph `acc ⊕ f(x)` (or `f(x) ⊕ acc`) where acc is used nowhere else, so the batch can be
 * folded with one reduction kernel and combined with the accumulator once. Sequential and batched folds
 * differ only by float rounding (exact for integers), within the differential tests' tolerance.
 */
export function findFold(g: ExprGraph, accInputs: number): Fold | null {
  if (g.output.kind !== 'node' || g.effects.length > 0) return null;
  const root = g.nodes[g.output.id];
  const reduce = FOLDS[root.op];
  if (reduce === undefined) return null;
  const isAcc = (id: number): boolean => {
    const n = g.nodes[id];
    if (n.op === 'input') return (n.attrs.index as number) < accInputs;
    return n.op === 'cast' && isAcc(n.inputs[0]);
  };
  const readsAcc = (id: number, seen = new Set<number>()): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    const n = g.nodes[id];
    return (n.op === 'input' && (n.attrs.index as number) < accInputs) || n.inputs.some((i) => readsAcc(i, seen));
  };
  const [a, b] = root.inputs;
  const term = isAcc(a) && !readsAcc(b) ? b : isAcc(b) && !readsAcc(a) ? a : null;
  if (term === null) return null;
  // The term must have the accumulator's per-element shape (a scalar for a number accumulator).
  if (g.nodes[term].shape.join() !== root.shape.join()) return null;
  return { op: root.op, reduce, term };
}

/** An unkeyed reduce's runner, which a fused chain in front of it can hand whole-batch terms to. */
export interface ReduceRunner extends StageRunner {
  /** Traces the step for rows of `fields` (once); its graph and fold, or null when it does not fold. */
  prepare(fields: readonly FieldType[], bare: boolean): { readonly graph: ExprGraph; readonly fold: Fold } | null;
  /** Folds one batch's reduced term (`f(x)` reduced over the batch's rows) into the accumulator. */
  absorb(term: Tensor): void;
}

/**
 * An unkeyed reduce. When its step traces to a fold, each batch is one vectorized evaluation plus one
 * reduction; otherwise (or on an element error) it steps element by element through the traced graph, or
 * the user's callback at a graph break.
 */
export function reduceStage(op: ReduceOperator, position: number, saved: ExprGraph | null, settings: CompileSettings, ctx: RunContext, cache: Map<string, TraceResult>): ReduceRunner {
  const label = `reduce#${position}`;
  let acc: unknown = normalizeElement(op.seed);
  let step: ((acc: unknown, x: unknown) => unknown) | null = null;
  let fold: Fold | null = null;
  let graph: ExprGraph | null = saved;
  let breakReason: string | undefined;

  const compileFor = (fields: readonly FieldType[], bare: boolean): void => {
    if (graph === null) {
      const k = `${position}|fold|${fields.map((f) => `${f.name}:${f.kind}:${f.dtype}:${f.shape}`).join('|')}|${bare}`;
      // Fusion would hide the fold's root op inside a fused node; the batched fold evaluates the term with
      // the vectorizer anyway, so this stage's graph is optimized without it.
      const tr = cache.get(k) ?? optimizedTrace(traceStepFn(op.fn, op.seed, fields, bare), { ...settings, passes: { ...settings.passes, fusion: false } });
      cache.set(k, tr);
      if ('breakReason' in tr) {
        if (settings.fullGraph) throw new Error(`Stage ${label} cannot be compiled into the graph (fullGraph: true): ${tr.breakReason}`);
        breakReason = tr.breakReason;
        step = (a, x) => normalizeElement(op.fn(a, x));
        return;
      }
      graph = tr.expr;
    }
    const accInputs = graph.inputs.filter((s) => s.name.startsWith('acc.')).length;
    fold = findFold(graph, accInputs);
    step = graphStepFn(graph, label);
  };

  const absorb = (batchTerm: Tensor): void => {
    const g = graph as ExprGraph;
    const f = fold as Fold;
    const root = g.nodes[g.output.kind === 'node' ? g.output.id : 0];
    // sum widens small integers (uint8, bool -> int32); sequential adds wrap in the accumulator's dtype.
    // Integer addition is modular, so wrapping the batch sum once gives the same result.
    const term = batchTerm.dtype !== root.dtype ? (runOp('cast', [batchTerm], { dtype: root.dtype }) as Tensor) : batchTerm;
    const current = isTensor(acc) ? acc : scalar(acc as number, root.dtype);
    acc = normalizeElement(runOp(f.op, [current, term]));
  };

  const stepRows = (b: ColumnBatch): void => {
    const rows = batchToRows(b);
    rows.forEach((row, i) => {
      try {
        acc = (step as (a: unknown, x: unknown) => unknown)(acc, row);
      } catch (e) {
        ctx.reject(row, new PipelineError(label, b.src[i], e, opOf(e)));
      }
    });
  };

  return {
    label,
    done: false,
    prepare(fields, bare) {
      if (step === null) compileFor(fields, bare);
      return fold !== null && graph !== null ? { graph, fold } : null;
    },
    absorb,
    process(b) {
      if (b.length === 0) return [];
      if (step === null) compileFor(schemaOf(b), b.bare);
      if (fold === null || graph === null) {
        stepRows(b);
        return [];
      }
      const g = graph;
      const f = fold;
      try {
        const names = g.inputs.map((s) => (b.bare ? BARE : s.name));
        const values = evalBatched(g, bindInputs(g.inputs, b, names), b.length);
        const v = values[f.term];
        if (v === undefined) throw new Error('fold term missing');
        absorb(v.batched ? (runOp(f.reduce, [v.t], { axis: 0 }) as Tensor) : foldRepeated(f, v.t, b.length));
      } catch {
        // Re-run the batch element by element: reports (or routes) the failing element by its source index.
        stepRows(b);
      }
      return [];
    },
    finish() {
      return [rowsToBatch([acc], new Float64Array([0]))];
    },
    describe: () => [{
      kind: 'reduce', position, expr: graph, seed: op.seed, ...(breakReason !== undefined ? { breakReason } : {}), ...(fold !== null ? { fold: fold.reduce } : {}),
    }],
  };
}

/** A term that does not depend on the element (acc + 1 per row): folded n times. */
export function foldRepeated(f: Fold, t: Tensor, n: number): Tensor {
  return f.op === 'add' ? (runOp('mul', [t, n]) as Tensor) : t;
}
