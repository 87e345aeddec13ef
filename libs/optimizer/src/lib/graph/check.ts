import { formatShape, getContract, hasContract, outputNodeIds, shapesEqual } from '@weir/dataflow';
import type { ExprGraph, ExprNode, OutSpec } from '@weir/dataflow';

/** A pass produced a broken graph, or changed what the graph takes or gives: a bug in that pass. */
export class PassCheckError extends Error {
  constructor(
    readonly pass: string,
    problem: string,
  ) {
    super(`Optimizer pass '${pass}' ${problem}`);
    this.name = 'PassCheckError';
  }
}

const typeOf = (n: { dtype: string; shape: ExprNode['shape'] }): string => `${n.dtype}${formatShape(n.shape)}`;

/**
 * Checks that `g` is well formed: ids are indices, inputs come earlier, const nodes have their tensors,
 * every op node is what its contract infers from its inputs, output and effects name valid nodes, and the
 * effects are every print node in program order. `pass` names who made the graph, for the message.
 *
 * ```ts
 * checkWellFormed(optimized, 'cse'); // throws PassCheckError: Optimizer pass 'cse' made node %3 ...
 * ```
 */
export function checkWellFormed(g: ExprGraph, pass: string): void {
  const bad = (problem: string): never => {
    throw new PassCheckError(pass, `made a malformed graph: ${problem}`);
  };
  g.nodes.forEach((n, i) => {
    if (n.id !== i) bad(`node at index ${i} has id ${n.id}`);
    for (const x of n.inputs) {
      if (!Number.isInteger(x) || x < 0 || x >= i) bad(`node %${i} ('${n.op}') uses %${x}, which does not come before it`);
      if (g.nodes[x].op === 'print') bad(`node %${i} ('${n.op}') uses %${x}, an effect`);
    }
    if (n.op === 'input') {
      const spec = g.inputs[n.attrs.index as number];
      if (spec === undefined || spec.dtype !== n.dtype || !shapesEqual(spec.shape, n.shape)) bad(`input node %${i} does not match its input spec`);
      return;
    }
    if (n.op === 'const') {
      const t = g.consts.get(i);
      if (t === undefined) bad(`const node %${i} has no tensor`);
      else if (t.dtype !== n.dtype || !shapesEqual(t.shape, n.shape)) bad(`const node %${i} says ${typeOf(n)} but holds ${typeOf(t)}`);
      return;
    }
    if (!hasContract(n.op)) bad(`node %${i} uses an unknown op '${n.op}'`);
    let inferred: { dtype: string; shape: ExprNode['shape'] } | undefined;
    try {
      inferred = getContract(n.op).infer(n.inputs.map((x) => g.nodes[x]), n.attrs);
    } catch (e) {
      bad(`node %${i} ('${n.op}') is invalid: ${(e as Error).message}`);
    }
    const r = inferred as { dtype: string; shape: ExprNode['shape'] };
    if (n.op !== 'print' && (r.dtype !== n.dtype || !shapesEqual(r.shape, n.shape))) {
      bad(`node %${i} ('${n.op}') says ${typeOf(n)} but its inputs give ${typeOf(r)}`);
    }
  });
  for (const id of g.consts.keys()) if (g.nodes[id]?.op !== 'const') bad(`consts holds a tensor for %${id}, which is not a const node`);
  for (const id of outputNodeIds(g.output)) {
    if (!(id >= 0 && id < g.nodes.length) || g.nodes[id].op === 'print') bad(`the output names %${id}, which is not a value`);
  }
  const prints = g.nodes.filter((n) => n.op === 'print').map((n) => n.id);
  if (prints.length !== g.effects.length || prints.some((id, i) => g.effects[i] !== id)) {
    bad(`effects are [${g.effects.join(', ')}] but the print nodes are [${prints.join(', ')}]`);
  }
}

/**
 * Checks that `after` takes and gives what `before` did: the same inputs, the same output tree with the same
 * dtype and shape at every node leaf, and the same effects (print labels, in order).
 */
export function checkSchema(before: ExprGraph, after: ExprGraph, pass: string): void {
  const bad = (problem: string): never => {
    throw new PassCheckError(pass, `changed the graph's schema: ${problem}`);
  };
  if (after.inputs !== before.inputs && JSON.stringify(after.inputs) !== JSON.stringify(before.inputs)) bad('its inputs differ');
  const walk = (a: OutSpec, b: OutSpec, path: string): void => {
    if (a.kind !== b.kind) bad(`${path} was a ${a.kind} and is now a ${b.kind}`);
    if (a.kind === 'node' && b.kind === 'node') {
      const x = before.nodes[a.id];
      const y = after.nodes[b.id];
      if (x.dtype !== y.dtype || !shapesEqual(x.shape, y.shape)) bad(`${path} was ${typeOf(x)} and is now ${typeOf(y)}`);
    } else if (a.kind === 'value' && b.kind === 'value') {
      if (!Object.is(a.value, b.value)) bad(`${path} was the value ${String(a.value)} and is now ${String(b.value)}`);
    } else if (a.kind === 'passthrough' && b.kind === 'passthrough') {
      if (a.input !== b.input) bad(`${path} passed input ${a.input} through and now passes ${b.input}`);
    } else if (a.kind === 'array' && b.kind === 'array') {
      if (a.items.length !== b.items.length) bad(`${path} had ${a.items.length} items and now has ${b.items.length}`);
      a.items.forEach((o, i) => walk(o, b.items[i], `${path}[${i}]`));
    } else if (a.kind === 'record' && b.kind === 'record') {
      if (a.fields.map(([k]) => k).join('\0') !== b.fields.map(([k]) => k).join('\0')) bad(`${path} changed its fields`);
      a.fields.forEach(([k, o], i) => walk(o, b.fields[i][1], `${path}.${k}`));
    }
  };
  walk(before.output, after.output, 'the output');
  const labels = (g: ExprGraph): string => JSON.stringify(g.effects.map((id) => g.nodes[id].attrs.label));
  if (labels(before) !== labels(after)) bad(`its effects were ${labels(before)} and are now ${labels(after)}`);
}
