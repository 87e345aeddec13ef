import '@weir/kernels-cpu';
import { ops, tensor } from '@weir/dataflow';
import type { ExprGraph } from '@weir/dataflow';
import { build, expectSameResults, opsOf, trace } from '../spec-helpers';
import { cse } from './cse';

describe('cse', () => {
  it('merges duplicate subtrees in one pass and counts the merged nodes', () => {
    const g = trace([['x', 'float32', [3]]], (x) => ops.add(ops.exp(ops.mul(x, 2)), ops.exp(ops.mul(x, 2))));
    // Two captured 2s (one per call), two muls, two exps.
    const r = cse.apply(g);
    expect(r?.count).toBe(3);
    expect(r?.summary).toBe('merged 3 nodes into earlier equal ones');
    const after = r?.graph as ExprGraph;
    expect(opsOf(after)).toEqual(['mul', 'exp', 'add']);
    const add = after.nodes[after.nodes.length - 1];
    expect(add.inputs[0]).toBe(add.inputs[1]);
    expectSameResults(g, after);
    expect(cse.run(after)).toBeNull();
  });

  it('merges constants by dtype, shape and bytes: -0 is not 0, NaN is NaN, float32 2 is not int32 2', () => {
    const g = build([['x', 'float32', [2]]], [
      { input: 0 }, tensor(NaN), tensor(NaN), tensor(-0), tensor(0), tensor(2), tensor(2, 'int32'), tensor([2]),
    ]);
    const after = cse.run(g) as ExprGraph;
    expect(after.nodes).toHaveLength(g.nodes.length - 1);
    expect([...after.consts.values()].map((t) => `${t.dtype}[${t.shape}] ${t.data[0]}`)).toEqual([
      'float32[] NaN', 'float32[] 0', 'float32[] 0', 'float32[] 2', 'int32[] 2', 'float32[1] 2',
    ]);
    expect(Object.is(after.consts.get(2)?.data[0], -0)).toBe(true);
  });

  it('compares attrs as the contract normalizes them, in any key order', () => {
    const g = trace([['x', 'float32', [2, 3]]], (x) => [ops.sum(x, -1), ops.sum(x, 1), ops.sum(x, 0)]);
    const after = cse.run(g) as ExprGraph;
    expect(opsOf(after)).toEqual(['sum', 'sum']);
    expect(after.output).toEqual({ kind: 'array', items: [{ kind: 'node', id: 1 }, { kind: 'node', id: 1 }, { kind: 'node', id: 2 }] });
    const reordered = build([['x', 'float32', [2, 3]]], [
      { input: 0 }, ['sum', [0], { axis: 1, keepDims: true }], ['sum', [0], { keepDims: true, axis: 1 }], ['add', [1, 2]],
    ]);
    expect(cse.apply(reordered)?.count).toBe(1);
  });

  it('keeps nodes that differ in attrs, op or inputs', () => {
    const g = trace([['x', 'float32', [2, 3]], ['y', 'float32', [2, 3]]], (x, y) => [
      ops.sum(x, 0), ops.sum(x, 0, true), ops.max(x, 0), ops.sum(y, 0), ops.sub(x, y), ops.sub(y, x),
    ]);
    expect(cse.run(g)).toBeNull();
  });

  it('never merges effects or inputs', () => {
    const g = trace([['x', 'float32', [1]], ['y', 'float32', [1]]], (x) => {
      ops.print('x', x);
      ops.print('x', x);
      return x;
    });
    expect(cse.run(g)).toBeNull();
  });
});
