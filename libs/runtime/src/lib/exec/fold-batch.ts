import {
  AttrValue, DType, ExprGraph, ExprNode, getContract, optimizeExpr, OutSpec, prepareGraph, runOp, scalar, Tensor,
} from '@weir/dataflow';
import { fusedReduceRuns } from '@weir/kernels-cpu';
import type { ColumnBatch } from './batch';
import type { Fold } from './reduce-stage';
import { foldRepeated } from './reduce-stage';
import { bindInputs } from './vector-stages';
import { evalBatched } from './vectorize';

/**
 * One batch's reduced fold term, or null when no row of the batch contributes. `batchGraph` is the
 * batch-level graph it runs when the term lifted to whole columns (for explain and tests), else null.
 */
export type FoldEvaluator = ((b: ColumnBatch, names: readonly string[]) => Tensor | null) & { readonly batchGraph?: ExprGraph };

/**
 * What a row the filter drops contributes to the fold: the reduction's identity in the term's dtype. -0 for
 * sums keeps every kept value exactly (x + -0 === x, -0 included).
 */
function identity(reduce: string, dtype: DType): number {
  const int = dtype === 'int32';
  const small = dtype === 'uint8' || dtype === 'bool';
  if (reduce === 'sum') return int || small ? 0 : -0;
  if (reduce === 'max') return int ? -(2 ** 31) : small ? 0 : -Infinity;
  return int ? 2 ** 31 - 1 : dtype === 'uint8' ? 255 : dtype === 'bool' ? 1 : Infinity;
}

/** Nodes `out` depends on, in id order. */
function cone(g: ExprGraph, out: number): number[] {
  const seen = new Uint8Array(g.nodes.length);
  const visit = (id: number): void => {
    if (seen[id]) return;
    seen[id] = 1;
    for (const i of g.nodes[id].inputs) visit(i);
  };
  visit(out);
  const ids: number[] = [];
  seen.forEach((s, id) => s && ids.push(id));
  return ids;
}

/**
 * The masked fold term of a fused map/filter/reduce chain, evaluated a batch at a time: the per-element graph
 * `g` (the chain's maps and the reduce's term composed) computes `term` and the filter's `keep`; a batch
 * contributes `reduce(where(keep, term, identity))` over its rows, with no filtered batch ever built.
 *
 * When the term is a scalar computed by elementwise ops alone (`x * 2 + 1` kept where `y mod 3 != 0`), the
 * whole batch step is written as ONE batch-level graph ending in the reduction, which the optimizer's fusion
 * and fusedReduce passes turn into a single generated loop: no column, mask or intermediate is allocated. Any
 * other term is vectorized as map stages are and then reduced over the batch.
 */
export function foldEvaluator(
  g: ExprGraph, term: OutSpec, keep: OutSpec | null, fold: Fold, passes: Readonly<Record<string, boolean>> | undefined,
): FoldEvaluator | null {
  if (term.kind !== 'node') return null;
  if (keep !== null && keep.kind === 'value') {
    if (!keep.value) return () => null;
    keep = null;
  }
  if (keep !== null && (keep.kind !== 'node' || g.nodes[keep.id].shape.length !== 0)) return null;
  const nodes: ExprNode[] = [...g.nodes];
  const consts = new Map(g.consts);
  const push = (n: Omit<ExprNode, 'id'>, value?: Tensor): number => {
    const id = nodes.length;
    nodes.push({ ...n, id });
    if (value !== undefined) consts.set(id, value);
    return id;
  };
  const t = g.nodes[term.id];
  let masked = term.id;
  if (keep !== null) {
    let k = keep.id;
    if (g.nodes[k].dtype !== 'bool') k = push({ op: 'cast', inputs: [k], attrs: { dtype: 'bool' }, dtype: 'bool', shape: [] });
    const id = push({ op: 'const', inputs: [], attrs: {}, dtype: t.dtype, shape: [] }, scalar(identity(fold.reduce, t.dtype), t.dtype));
    masked = push({ op: 'where', inputs: [k, term.id, id], attrs: {}, dtype: t.dtype, shape: t.shape });
  }
  const perElement: ExprGraph = { inputs: g.inputs, nodes, consts, output: { kind: 'node', id: masked }, effects: g.effects };
  const lifted = g.effects.length === 0 ? batchLoop(perElement, masked, fold, passes) : null;
  if (lifted !== null) return lifted;
  // Optimized like any stage's graph: fusion then folds the term's elementwise tail (relu(x·W + b) summed
  // per row) into one fusedReduce over the batched values.
  const opt = optimizeExpr(perElement, { passes }).graph;
  return opt.output.kind === 'node' ? vectorized(opt, opt.output.id, fold) : vectorized(perElement, masked, fold);
}

/** Evaluates the per-element term over the batch with the batching rules, then reduces it over the rows. */
function vectorized(g: ExprGraph, out: number, fold: Fold): FoldEvaluator {
  return (b, names) => {
    const v = evalBatched(g, bindInputs(g.inputs, b, names), b.length)[out];
    if (v === undefined) throw new Error('fold term missing');
    return v.batched ? (runOp(fold.reduce, [v.t], { axis: 0 }) as Tensor) : foldRepeated(fold, v.t, b.length);
  };
}

/**
 * The batch step as one batch-level graph when every node the term needs is a per-element scalar made by an
 * elementwise op: lifting such a graph to whole columns only gives the per-row values a leading unknown
 * dimension. Null for any other term.
 */
function batchLoop(g: ExprGraph, out: number, fold: Fold, passes: Readonly<Record<string, boolean>> | undefined): FoldEvaluator | null {
  const ids = cone(g, out);
  const batched = new Uint8Array(g.nodes.length);
  const lifted: ExprNode[] = [];
  const newId = new Map<number, number>();
  const consts = new Map<number, Tensor>();
  for (const id of ids) {
    const n = g.nodes[id];
    if (n.shape.length !== 0) return null;
    if (n.op !== 'input' && n.op !== 'const' && getContract(n.op).kind !== 'elementwise') return null;
    if (n.op === 'input' && g.inputs[n.attrs.index as number].opaque) return null;
    batched[id] = n.op === 'input' || n.inputs.some((i) => batched[i]) ? 1 : 0;
    const nid = lifted.length;
    lifted.push({ ...n, id: nid, inputs: n.inputs.map((i) => newId.get(i) as number), shape: batched[id] ? [null] : [] });
    if (n.op === 'const') consts.set(nid, g.consts.get(id) as Tensor);
    newId.set(id, nid);
  }
  // A term that reads no element is the same for every row: the vectorized path multiplies it out.
  if (!batched[out]) return null;
  const x = lifted[newId.get(out) as number];
  const reduced = getContract(fold.reduce).infer([x], {});
  const root = lifted.push({ id: lifted.length, op: fold.reduce, inputs: [x.id], attrs: {}, dtype: reduced.dtype, shape: reduced.shape }) - 1;
  const inputs = g.inputs.map((s) => (s.opaque ? s : { ...s, shape: [null] }));
  const batchGraph = optimizeExpr({ inputs, nodes: lifted, consts, output: { kind: 'node', id: root }, effects: [] }, { passes }).graph;
  const prepared = prepareGraph(batchGraph);
  const inPlace = inPlaceLoop(batchGraph);
  const run = (b: ColumnBatch, names: readonly string[]): Tensor =>
    inPlace?.(b, names) ?? (prepared.run(bindInputs(g.inputs, b, names).map((v) => v?.t)) as Tensor);
  return Object.assign(run, { batchGraph });
}

/**
 * When the batch step is one fusedReduce over input columns, and those columns are still runs of the source's
 * JS array (batch.ts NumberRun), the loop reads the array in place; otherwise (null) the graph runs as usual.
 */
function inPlaceLoop(g: ExprGraph): ((b: ColumnBatch, names: readonly string[]) => Tensor | null) | null {
  if (g.output.kind !== 'node') return null;
  const root = g.nodes[g.output.id];
  // Over 1-D columns, a scalar result is the full reduction the loop runs.
  if (root.op !== 'fusedReduce' || root.shape.length !== 0) return null;
  if (!root.inputs.every((i) => g.nodes[i].op === 'input')) return null;
  const slots = root.inputs.map((i) => g.nodes[i].attrs.index as number);
  const attrs = root.attrs as { program: AttrValue; dtype: DType; reduce: string };
  return (b, names) => {
    const arrays: (readonly number[])[] = [];
    let start = -1;
    let checked = true;
    for (const slot of slots) {
      const c = b.columns.get(names[slot]);
      const run = c?.kind === 'number' ? c.run : undefined;
      if (run === undefined || (start >= 0 && run.start !== start)) return null;
      start = run.start;
      checked &&= run.checked;
      arrays.push(run.values);
    }
    // An unchecked run is checked by the loop as it reads (it throws NotANumberInRun at a value that is not a
    // number; the fused chain then runs the checked batch).
    return fusedReduceRuns(attrs, arrays, start, b.length, root.dtype, checked);
  };
}
