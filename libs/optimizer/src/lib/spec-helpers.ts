// Helpers for this lib's spec files only (they need Jest's expect): tracing small graphs, running them on
// random inputs with NaN, ±Infinity and -0 in them, and comparing results bit for bit.
import * as fc from 'fast-check';
import { allocate, BINARY_OPS, getContract, mulberry32, OpError, ops, prepareGraph, Tensor, traceGraph, UNARY_OPS } from '@weir/dataflow';
import type { Attrs, DType, ExprGraph, ExprNode, InputSpec, SymShape } from '@weir/dataflow';

/** A seeded generator (the library's mulberry32), so every random test is the same on every run. */
export const rng = mulberry32;

/** Traces `f` over tracers for `inputs` (`[name, dtype, shape]`). */
export function trace(inputs: readonly (readonly [string, DType, SymShape])[], f: (...xs: any[]) => unknown): ExprGraph {
  const specs: InputSpec[] = inputs.map(([name, dtype, shape]) => ({ name, dtype, shape }));
  return traceGraph(specs, (v) => v, f);
}

export function run(g: ExprGraph, inputs: readonly unknown[]): unknown {
  return prepareGraph(g).run(inputs);
}

/** The ops of a graph's op nodes (not inputs or constants), in order. */
export function opsOf(g: ExprGraph): string[] {
  return g.nodes.filter((n) => n.op !== 'input' && n.op !== 'const').map((n) => n.op);
}


const FLOAT_SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 1e30, -1e-30];
const INT_SPECIALS = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 65536, 46341, 123456789, -987654321, -7];

/** A tensor of random values of `dtype`; about a third of them special (NaN, ±Infinity, -0, large ints). */
export function randomTensor(r: () => number, dtype: DType, shape: readonly number[], specialRate = 0.35): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = allocate(dtype, size);
  for (let i = 0; i < size; i++) {
    const special = r() < specialRate;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
    if (dtype === 'bool') data[i] = r() < 0.5 ? 1 : 0;
    else if (dtype === 'uint8') data[i] = Math.floor(r() * 256);
    else if (dtype === 'int32') data[i] = special ? pick(INT_SPECIALS) : Math.floor(r() * 41) - 20;
    else data[i] = special ? pick(FLOAT_SPECIALS) : Math.round((r() * 20 - 10) * 8) / 8;
  }
  return new Tensor(dtype, [...shape], data);
}

/** Expects two results (tensors, or trees of them) to be the same bit for bit: NaN equals NaN, -0 is not 0. */
export function expectIdentical(actual: unknown, expected: unknown, path = 'result'): void {
  if (expected instanceof Tensor) {
    expect(actual).toBeInstanceOf(Tensor);
    const a = actual as Tensor;
    expect([path, a.dtype, a.shape]).toEqual([path, expected.dtype, expected.shape]);
    const bad = Array.from(expected.data).findIndex((v, i) => !Object.is(v, a.data[i]));
    if (bad >= 0) throw new Error(`${path}: element ${bad} is ${a.data[bad]}, expected ${expected.data[bad]}`);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expected.forEach((e, i) => expectIdentical((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (typeof expected === 'object' && expected !== null) {
    for (const [k, e] of Object.entries(expected)) expectIdentical((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    return;
  }
  expect(actual).toEqual(expected);
}

/** Runs both graphs on the same random inputs (unknown dimensions get size 3) and expects identical results. */
export function expectSameResults(before: ExprGraph, after: ExprGraph, seed = 1, runs = 5): void {
  const r = rng(seed);
  for (let k = 0; k < runs; k++) {
    // Every other run has no specials: one NaN reaches a whole product or reduction, and results that are
    // NaN throughout compare equal however they were computed.
    const rate = k % 2 === 0 ? 0.35 : 0;
    const inputs = before.inputs.map((s) => randomTensor(r, s.dtype, s.shape.map((d) => d ?? 3), rate));
    expectIdentical(run(after, inputs), run(before, inputs));
  }
}

/** One node for `build`: an op on earlier node ids, a constant, or input `index`. */
export type NodeSpec = readonly [op: string, inputs: readonly number[], attrs?: Attrs] | Tensor | { readonly input: number };

/**
 * Builds a graph node by node (dtype and shape from the contracts), for graphs tracing cannot make: ops on
 * constants (tracing evaluates those at once), as a loaded plan or another pass may hold them.
 *
 * ```ts
 * build([['x', 'int32', [2]]], [{ input: 0 }, tensor([1, 2], 'int32'), ['add', [0, 1]]]);
 * ```
 */
export function build(inputs: readonly (readonly [string, DType, SymShape])[], specs: readonly NodeSpec[], output?: number): ExprGraph {
  const nodes: ExprNode[] = [];
  const consts = new Map<number, Tensor>();
  const effects: number[] = [];
  specs.forEach((s, id) => {
    if (s instanceof Tensor) {
      consts.set(id, s);
      nodes.push({ id, op: 'const', inputs: [], attrs: {}, dtype: s.dtype, shape: s.shape });
    } else if ('input' in s) {
      const [name, dtype, shape] = inputs[s.input];
      nodes.push({ id, op: 'input', inputs: [], attrs: { index: s.input, name }, dtype, shape });
    } else {
      const [op, ins, attrs = {}] = s;
      const r = getContract(op).infer(ins.map((i) => nodes[i]), attrs);
      nodes.push({ id, op, inputs: ins, attrs, dtype: r.dtype, shape: r.shape });
      if (op === 'print') effects.push(id);
    }
  });
  return {
    inputs: inputs.map(([name, dtype, shape]) => ({ name, dtype, shape })),
    nodes,
    consts,
    output: { kind: 'node', id: output ?? nodes.length - 1 },
    effects,
  };
}

/** For random elementwise graphs (the fusion laws): dtypes, ops, each op's arity. */
export const LAW_DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];
export const ELEMENTWISE_OPS: readonly string[] = [...UNARY_OPS, ...BINARY_OPS, 'where', 'cast'];
export const arityOf = (op: string): number => (op === 'where' ? 3 : (UNARY_OPS as readonly string[]).includes(op) || op === 'cast' ? 1 : 2);

/** A random graph's inputs: dtype, which of three dims are 1 (broadcast), how many leading dims to drop. */
export const lawInputsArb = fc.array(
  fc.record({ dtype: fc.constantFrom(...LAW_DTYPES), ones: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), drop: fc.nat({ max: 3 }) }),
  { minLength: 1, maxLength: 3 },
);

/** A random graph's steps: an op, which earlier values it reads, and a weak (plain JS) operand it may use. */
export function lawStepsArb(weak: readonly (number | boolean)[], maxLength: number) {
  return fc.array(
    fc.record({
      op: fc.constantFrom(...ELEMENTWISE_OPS), args: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
      weak: fc.constantFrom(...weak), useWeak: fc.nat({ max: 3 }), cast: fc.constantFrom(...LAW_DTYPES),
    }),
    { minLength: 1, maxLength },
  );
}

/**
 * Runs random steps (lawStepsArb) as ops on tracers: each reads earlier values (inputs first), maybe with a
 * weak operand; a step its op's contract refuses is skipped. Returns every value, the inputs included.
 */
export function applySteps(
  steps: readonly { op: string; args: readonly number[]; weak: number | boolean; useWeak: number; cast: DType }[], xs: readonly unknown[],
): unknown[] {
  const values: unknown[] = [...xs];
  for (const s of steps) {
    const args = s.args.slice(0, arityOf(s.op)).map((a) => values[a % values.length]);
    if (s.useWeak === 0) args[args.length - 1] = s.weak;
    try {
      values.push(s.op === 'cast' ? ops.cast(args[0] as Tensor, s.cast) : (ops as unknown as Record<string, (...a: unknown[]) => unknown>)[s.op](...args));
    } catch (e) {
      if (!(e instanceof OpError)) throw e;
    }
  }
  return values;
}
