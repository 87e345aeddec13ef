import '@weir/kernels-cpu';
import { ops, tensor } from '@weir/dataflow';
import type { DType, ExprGraph, SymShape } from '@weir/dataflow';
import { optimizeExpression, PASS_NAMES } from '../pass-manager';
import { expectSameResults, opsOf, trace } from '../spec-helpers';
import { simplify } from './simplify';
import { RULES } from './simplify-rules';

/** Only simplify, then pruning to drop what it replaced. */
const simplified = (g: ExprGraph): ExprGraph =>
  optimizeExpression(g, { passes: Object.fromEntries(PASS_NAMES.map((n) => [n, n === 'simplify' || n === 'pruning'])) }).graph;

type In = readonly [string, DType, SymShape];
const f32 = (shape: SymShape = [2, 3]): In => ['x', 'float32', shape];
const i32 = (shape: SymShape = [2, 3]): In => ['x', 'int32', shape];
const bool = (shape: SymShape = [2, 3]): In => ['x', 'bool', shape];
// Integer constants: a plain JS number meeting an int32 tensor promotes to float32 (dtype.ts).
const int = (v: number) => tensor(v, 'int32');

/** One case per rule: the graph, and the op nodes left after simplify + pruning. */
const CASES: Record<string, { inputs: In[]; f: (...xs: any[]) => unknown; left: string[] }[]> = {
  'x + 0 -> x (integers: in floats -0 + 0 is +0)': [
    { inputs: [i32()], f: (x) => ops.add(x, int(0)), left: [] },
    { inputs: [i32()], f: (x) => ops.add(int(0), x), left: [] },
  ],
  'x + -0 -> x (exact for every float, -0 and NaN included)': [{ inputs: [f32()], f: (x) => ops.add(x, -0), left: [] }],
  'x - 0 -> x (x - +0 is x + -0: exact)': [{ inputs: [f32()], f: (x) => ops.sub(x, 0), left: [] }],
  'x * 1 -> x (NaN * 1 is NaN, -0 * 1 is -0)': [
    { inputs: [f32()], f: (x) => ops.mul(x, 1), left: [] },
    { inputs: [f32([null, 3])], f: (x) => ops.mul(1, x), left: [] },
  ],
  'x * 0 -> 0 (integers: in floats NaN * 0 is NaN and -1 * 0 is -0)': [
    { inputs: [i32([3])], f: (x) => ops.mul(x, tensor([0, 0, 0], 'int32')), left: [] },
  ],
  'x / 1 -> x': [{ inputs: [f32()], f: (x) => ops.div(x, 1), left: [] }],
  'floorDiv(x, 1) -> x (integers: floorDiv(0.5, 1) is 0)': [{ inputs: [i32()], f: (x) => ops.floorDiv(x, int(1)), left: [] }],
  'pow(x, 1) -> x (pow(NaN, 1) is NaN)': [
    { inputs: [f32()], f: (x) => ops.pow(x, 1), left: [] },
    { inputs: [i32()], f: (x) => ops.pow(x, int(1)), left: [] },
  ],
  'x && true -> x': [{ inputs: [bool()], f: (x) => ops.logicalAnd(true, x), left: [] }],
  'x || false -> x': [{ inputs: [bool()], f: (x) => ops.logicalOr(x, false), left: [] }],
  'maximum(x, x) -> x': [{ inputs: [f32()], f: (x) => ops.maximum(x, x), left: [] }],
  'minimum(x, x) -> x': [{ inputs: [f32()], f: (x) => ops.minimum(x, x), left: [] }],
  'x && x -> x': [{ inputs: [bool()], f: (x) => ops.logicalAnd(x, x), left: [] }],
  'x || x -> x': [{ inputs: [bool()], f: (x) => ops.logicalOr(x, x), left: [] }],
  'neg(neg(x)) -> x (int32 too: -(-(-2^31)) wraps back)': [
    { inputs: [f32()], f: (x) => ops.neg(ops.neg(x)), left: [] },
    { inputs: [i32()], f: (x) => ops.neg(ops.neg(ops.neg(x))), left: ['neg'] },
  ],
  'logicalNot(logicalNot(x)) -> x': [{ inputs: [bool()], f: (x) => ops.logicalNot(ops.logicalNot(x)), left: [] }],
  'abs(abs(x)) -> abs(x)': [{ inputs: [f32()], f: (x) => ops.abs(ops.abs(x)), left: ['abs'] }],
  'relu(relu(x)) -> relu(x)': [{ inputs: [f32()], f: (x) => ops.relu(ops.relu(x)), left: ['relu'] }],
  'cast(x, dtype of x) -> x': [{ inputs: [f32()], f: (x) => ops.cast(x, 'float32'), left: [] }],
  'where(true, a, b) -> a (a constant condition)': [
    { inputs: [f32(), ['y', 'float32', [3]]], f: (x, y) => ops.where(true, x, y), left: [] },
    { inputs: [f32(), ['y', 'float32', [2, 3]]], f: (x, y) => ops.where(tensor([true, true, true]), x, y), left: [] },
  ],
  'where(false, a, b) -> b': [{ inputs: [f32(), ['y', 'float32', [2, 3]]], f: (x, y) => ops.where(false, x, y), left: [] }],
  'transpose(x, identity perm) -> x': [{ inputs: [f32()], f: (x) => ops.transpose(x, [0, 1]), left: [] }],
  'transpose(transpose(x, p), q) -> transpose(x, p[q])': [
    { inputs: [f32([2, 3, 4])], f: (x) => ops.transpose(ops.transpose(x, [1, 2, 0]), [1, 0, 2]), left: ['transpose'] },
    { inputs: [f32([2, 3, 4])], f: (x) => ops.transpose(ops.transpose(x, [1, 2, 0]), [2, 0, 1]), left: [] },
    { inputs: [f32()], f: (x) => ops.transpose(ops.transpose(x)), left: [] },
  ],
  'reshape(x) to the shape of x -> x': [
    { inputs: [f32()], f: (x) => ops.reshape(x, [2, 3]), left: [] },
    { inputs: [f32([null, 3])], f: (x) => ops.reshape(x, [-1, 3]), left: [] },
  ],
  'reshape(view(x)) -> reshape(x) (a chain of views is one reshape)': [
    { inputs: [f32([2, 3, 4])], f: (x) => ops.reshape(ops.reshape(x, [6, 4]), [4, 6]), left: ['reshape'] },
    { inputs: [f32([2, 3])], f: (x) => ops.reshape(ops.expandDims(x, 0), [2, 3]), left: [] },
    { inputs: [f32([null, 4])], f: (x) => ops.reshape(ops.reshape(x, [2, -1]), [-1, 4]), left: [] },
    { inputs: [f32([null, null])], f: (x) => ops.reshape(ops.reshape(x, [-1]), [-1]), left: ['reshape'] },
  ],
  'squeeze(x) to the shape of x -> x': [{ inputs: [f32([2, 3])], f: (x) => ops.squeeze(x), left: [] }],
  'squeeze(view(x)) -> reshape(x) (a chain of views is one reshape)': [
    { inputs: [f32([2, 3])], f: (x) => ops.squeeze(ops.expandDims(x, 1), 1), left: [] },
    { inputs: [f32([6])], f: (x) => ops.squeeze(ops.reshape(x, [2, 1, 3])), left: ['reshape'] },
  ],
  'expandDims(view(x)) -> reshape(x) (a chain of views is one reshape)': [
    { inputs: [f32([2, 1, 3])], f: (x) => ops.expandDims(ops.squeeze(x), 0), left: ['reshape'] },
  ],
  'matmul(I, x) -> x (integers: in floats 0 * NaN is NaN)': [
    { inputs: [i32([3, 2])], f: (x) => ops.matmul(ops.eye(3, 'int32'), x), left: [] },
    { inputs: [i32([3])], f: (x) => ops.matmul(ops.eye(3, 'int32'), x), left: [] },
  ],
  'matmul(x, I) -> x (integers)': [{ inputs: [['x', 'uint8', [2, 3]]], f: (x) => ops.matmul(x, ops.eye(3, 'uint8')), left: [] }],
};

/** Graphs no rule may touch, and why. */
const UNTOUCHED: [string, In[], (...xs: any[]) => unknown][] = [
  ['float x + 0 (-0 + 0 is +0)', [f32()], (x) => ops.add(x, 0)],
  ['float x * 0 (NaN * 0 is NaN)', [f32()], (x) => ops.mul(x, 0)],
  ['int x * 0 where 0 is a scalar (the result keeps x\'s shape, not the constant\'s)', [i32()], (x) => ops.mul(x, 0)],
  ['x - (-0) (-0 - -0 is +0)', [f32()], (x) => ops.sub(x, -0)],
  ['0 - x (not x - 0)', [i32()], (x) => ops.sub(0, x)],
  ['int x + 0 where 0 is larger than x (broadcasting grows the result)', [i32([3])], (x) => ops.add(x, tensor([[0, 0, 0], [0, 0, 0]], 'int32'))],
  ['x + 0 where x and 0 have unknown sizes', [i32([null])], (x) => ops.add(x, tensor([0, 0, 0], 'int32'))],
  ['bool x * 1 (gives int32, not bool)', [bool()], (x) => ops.mul(x, 1)],
  ['float floorDiv(x, 1) (floorDiv(0.5, 1) is 0)', [f32()], (x) => ops.floorDiv(x, 1)],
  ['float matmul(I, x) (0 * NaN is NaN)', [f32([3, 2])], (x) => ops.matmul(ops.eye(3), x)],
  ['matmul(I, x) with x of unknown rows', [i32([null, 2])], (x) => ops.matmul(ops.eye(3, 'int32'), x)],
  ['where(cond, a, b) with a non-constant condition', [bool(), ['a', 'float32', [2, 3]]], (c, a) => ops.where(c, a, 0)],
  ['where(true, a, b) where b is larger than a', [f32([3]), ['b', 'float32', [2, 3]]], (a, b) => ops.where(true, a, b)],
  ['where(true, a, b) where a and b have unknown sizes', [f32([null]), ['b', 'float32', [null]]], (a, b) => ops.where(true, a, b)],
  ['where(true, a, b) where a is int32 and b float32 (the result is float32)', [i32([3]), ['b', 'float32', [3]]], (a, b) => ops.where(true, a, b)],
  ['cast to another dtype', [f32()], (x) => ops.cast(x, 'int32')],
  ['neg(abs(x))', [f32()], (x) => ops.neg(ops.abs(x))],
  ['squeeze(x, 0) of x with an unknown dimension 0 (at run time it may not be 1)', [f32([null, 3])], (x) => ops.squeeze(x, 0)],
];

describe('simplify: each rule on its own', () => {
  it('has a case for every rule in the table', () => {
    expect(RULES.map((r) => r.name).filter((name) => CASES[name] === undefined)).toEqual([]);
    expect(Object.keys(CASES).filter((name) => !RULES.some((r) => r.name === name))).toEqual([]);
  });

  for (const [name, cases] of Object.entries(CASES)) {
    it.each(cases.map((c, i) => [i, c] as const))(`${name} (case %i)`, (_, c) => {
      const g = trace(c.inputs, c.f);
      const after = simplified(g);
      expect(opsOf(after)).toEqual(c.left);
      expect(opsOf(g).length).toBeGreaterThan(c.left.length);
      expectSameResults(g, after, 7, 6);
    });
  }

  it.each(UNTOUCHED)('leaves %s alone', (_, inputs, f) => {
    const g = trace(inputs, f);
    expect(simplify.run(g)).toBeNull();
  });
});

describe('simplify pass', () => {
  it('cascades within one pass: neg(neg(neg(neg(x)))) is x after a single run', () => {
    const g = trace([f32()], (x) => ops.neg(ops.neg(ops.neg(ops.neg(x)))));
    const once = simplify.run(g) as ExprGraph;
    expect(once.output).toEqual({ kind: 'node', id: 0 });
    expect(simplify.run(once)).toBeNull();
  });

  it('counts the nodes it rewrote', () => {
    const g = trace([f32()], (x) => ops.add(ops.mul(ops.neg(ops.neg(x)), 1), ops.div(x, 1)));
    expect(simplify.apply(g)?.summary).toBe('simplified 3 nodes');
  });

  it('composes transposes into the right permutation', () => {
    const g = trace([f32([2, 3, 4])], (x) => ops.transpose(ops.transpose(x, [1, 2, 0]), [1, 0, 2]));
    const after = simplified(g);
    const t = after.nodes.find((n) => n.op === 'transpose');
    expect(t?.attrs.perm).toEqual([2, 1, 0]);
    expect(t?.shape).toEqual([4, 3, 2]);
  });

  it('keeps effects and their inputs', () => {
    const g = trace([f32()], (x) => {
      ops.print('x', ops.mul(x, 1));
      return ops.neg(ops.neg(x));
    });
    const after = simplified(g);
    expect(opsOf(after)).toEqual(['print']);
    expect(after.effects).toHaveLength(1);
  });
});
