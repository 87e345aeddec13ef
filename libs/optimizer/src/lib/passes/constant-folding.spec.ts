import '@weir/kernels-cpu';
import { ops, Tensor, tensor } from '@weir/dataflow';
import type { DType, ExprGraph } from '@weir/dataflow';
import { build, expectSameResults, opsOf, run, trace } from '../spec-helpers';
import { constantFolding, FOLD_SIZE_LIMIT } from './constant-folding';

// Tracing evaluates ops on constants at once, so nodes on constants come from loaded plans and from other
// passes (a rewrite that exposes constants); these graphs are built node by node.
const constOf = (g: ExprGraph, id: number): Tensor => g.consts.get(id) as Tensor;

describe('constantFolding', () => {
  it('folds a chain of nodes on constants in one pass, and counts them', () => {
    const g = build([['x', 'float32', [2]]], [
      { input: 0 }, tensor([[1, 2], [3, 4]]), ['transpose', [1]], tensor(1), ['add', [2, 3]], ['matmul', [0, 4]],
    ]);
    const r = constantFolding.apply(g);
    expect(r?.summary).toBe('folded 2 nodes');
    const after = r?.graph as ExprGraph;
    expect(opsOf(after)).toEqual(['matmul']);
    expect(constOf(after, after.nodes[after.nodes.length - 1].inputs[1]).toArray()).toEqual([[2, 4], [3, 5]]);
    expectSameResults(g, after);
  });

  it.each([
    ['int32', tensor([2147483647, 5], 'int32'), tensor(1, 'int32'), 'add', [-2147483648, 6]],
    ['uint8', tensor([1, 7], 'uint8'), tensor(2, 'uint8'), 'sub', [255, 5]],
    ['bool', tensor([true, false]), tensor(true), 'logicalAnd', [1, 0]],
    ['float32', tensor([1, 2], 'float32'), tensor(3, 'float32'), 'div', [Math.fround(1 / 3), Math.fround(2 / 3)]],
    ['float64', tensor([1, 2], 'float64'), tensor(3, 'float64'), 'div', [1 / 3, 2 / 3]],
  ] as const)('keeps the dtype of a folded %s value', (dtype, a, b, op, values) => {
    const g = build([['x', dtype as DType, [2]]], [{ input: 0 }, a, b, [op, [1, 2]]]);
    const after = constantFolding.run(g) as ExprGraph;
    const folded = constOf(after, after.nodes.length - 1);
    expect(folded.dtype).toBe(dtype);
    expect(Array.from(folded.data)).toEqual(values);
    expect(after.nodes[after.nodes.length - 1]).toMatchObject({ op: 'const', dtype, shape: [2] });
  });

  it('folds ops of mixed dtypes and casts, keeping each node\'s dtype', () => {
    const g = build([['x', 'int32', [2]]], [
      { input: 0 }, tensor([65536, 300], 'int32'), ['mul', [1, 1]], ['cast', [2], { dtype: 'uint8' }],
      ['zeros', [], { shape: [2], dtype: 'bool' }], ['where', [4, 0, 3]],
    ]);
    const r = constantFolding.apply(g);
    expect(r?.count).toBe(3);
    const after = r?.graph as ExprGraph;
    expect(opsOf(after)).toEqual(['where']);
    const [c, , b] = after.nodes[after.nodes.length - 1].inputs.map((i) => after.consts.get(i));
    expect([c?.dtype, Array.from(c?.data ?? [])]).toEqual(['bool', [0, 0]]);
    expect([b?.dtype, Array.from(b?.data ?? [])]).toEqual(['uint8', [0, (300 * 300) & 255]]);
    expectSameResults(g, after);
  });

  it('folds creation ops up to the size limit, and leaves larger ones as nodes', () => {
    const small = build([], [['ones', [], { shape: [4, 4], dtype: 'float32' }]]);
    expect(opsOf(constantFolding.run(small) as ExprGraph)).toEqual([]);
    const big = build([], [['zeros', [], { shape: [FOLD_SIZE_LIMIT + 1], dtype: 'float32' }]]);
    expect(constantFolding.run(big)).toBeNull();
    const bigResult = build([], [tensor(new Float32Array(FOLD_SIZE_LIMIT + 1)), ['exp', [0]]]);
    expect(constantFolding.run(bigResult)).toBeNull();
  });

  it('never folds effects, even of constants', () => {
    const g = trace([['x', 'float32', [1]]], (x) => {
      ops.print('c', tensor([1]));
      return x;
    });
    expect(opsOf(g)).toEqual(['print']);
    expect(constantFolding.run(g)).toBeNull();
  });

  it('leaves an op that fails on its constants to run time (non-strict: it fails only if needed)', () => {
    const g = build([], [tensor([1, 2]), tensor([5], 'int32'), ['gather', [0, 1], { axis: 0 }]]);
    expect(constantFolding.run(g)).toBeNull();
    expect(() => run(g, [])).toThrow();
  });

  it('returns null when nothing is constant', () => {
    expect(constantFolding.run(trace([['x', 'float32', [2]]], (x) => ops.exp(ops.add(x, 1))))).toBeNull();
  });
});
