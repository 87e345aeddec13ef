import '@weir/kernels-cpu';
import * as fc from 'fast-check';
import { formatNode, ops, Tensor } from '@weir/dataflow';
import type { ExprGraph, SymShape } from '@weir/dataflow';
import { optimizeExpression } from '../pass-manager';
import { expectSameResults, opsOf, trace } from '../spec-helpers';
import { matmulReduce } from './matmul-reduce';
import './matmul-reduce-format';

const last = (g: ExprGraph) => g.nodes[g.nodes.length - 1];
const off = { passes: { matmulReduce: false } };

describe('matmulReduce', () => {
  it('takes the dense layer sum(relu(x·W + b), -1) whole: one node, the same bits', () => {
    // 40x16x8 multiply-adds: past the kernel's WebAssembly threshold, so the row-sum path runs.
    const g = trace([['x', 'float32', [40, 16]], ['w', 'float32', [16, 8]], ['b', 'float32', [8]]], (x, w, b) => ops.sum(ops.relu(ops.add(ops.matmul(x, w), b)), -1));
    const { graph, log } = optimizeExpression(g);
    expect(log.map((r) => `${r.pass}: ${r.summary}`)).toContain('matmulReduce: fused 1 node (matmul) into the reduction reading it');
    expect(opsOf(graph)).toEqual(['matmulReduce']);
    const n = last(graph);
    expect([n.inputs, n.dtype, n.shape]).toEqual([[0, 1, 2], 'float32', [40]]);
    expect(n.attrs).toMatchObject({ program: [['input', 'float32', 0], ['input', 'float32', 1], ['add', 'float32', 0, 1], ['relu', 'float32', 2]], reduce: 'sum', axis: [1] });
    expect(formatNode(n)).toBe('%3 = matmulReduce(%0, %1, %2, $0 = a·b; sum(relu($0 + $1), axis=[1])) : float32[40]');
    expectSameResults(g, graph);
    expectSameResults(optimizeExpression(g, off).graph, graph, 2);
  });

  it('takes a plain sum, max or min of a product, per element too (a 1-D x and an unknown batch)', () => {
    for (const reduce of ['sum', 'max', 'min'] as const) {
      const g = trace([['x', 'float32', [16]], ['w', 'float32', [16, 8]]], (x, w) => ops[reduce](ops.matmul(x, w)));
      const after = optimizeExpression(g).graph;
      expect(opsOf(after)).toEqual(['matmulReduce']);
      expect(last(after).attrs).toMatchObject({ program: [['input', 'float32', 0]], reduce, axis: [0], keepDims: false });
      expectSameResults(g, after);
    }
    const batched = trace([['x', 'float64', [null, 3, 4]], ['w', 'float64', [4, 2]]], (x, w) => ops.sum(ops.exp(ops.matmul(x, w)), 1, true));
    expect(opsOf(optimizeExpression(batched).graph)).toEqual(['matmulReduce']);
    expectSameResults(batched, optimizeExpression(batched).graph);
  });

  it('leaves a product something else reads, a reduction it cannot take, and a product not in slot 0', () => {
    const shared = trace([['x', 'float32', [4, 3]], ['w', 'float32', [3, 2]]], (x, w) => {
      const p = ops.matmul(x, w);
      return [ops.sum(p, 1), p];
    });
    expect(matmulReduce.run(optimizeExpression(shared, off).graph)).toBeNull();
    expect(matmulReduce.run(trace([['x', 'float32', [4, 3]], ['w', 'float32', [3, 2]]], (x, w) => ops.mean(ops.matmul(x, w), 1)))).toBeNull();
    expect(matmulReduce.run(trace([['x', 'float32', [4, 3]], ['w', 'float32', [3, 2]]], (x, w) => ops.argmax(ops.matmul(x, w), 1)))).toBeNull();
    // b has a higher rank than the product, so fusedReduce puts b in slot 0.
    const g = trace([['x', 'float32', [3]], ['w', 'float32', [3, 2]], ['b', 'float32', [5, 2]]], (x, w, b) => ops.sum(ops.add(ops.matmul(x, w), b), 1));
    const before = optimizeExpression(g, off).graph;
    expect(opsOf(before)).toEqual(['matmul', 'fusedReduce']);
    expect(matmulReduce.run(before)).toBeNull();
  });

  it('is switched off by name, and reaches a fixed point', () => {
    const g = trace([['x', 'float32', [null, 8]], ['w', 'float32', [8, 4]]], (x, w) => ops.sum(ops.tanh(ops.matmul(x, w)), 1));
    expect(opsOf(optimizeExpression(g, off).graph)).toEqual(['matmul', 'fusedReduce']);
    const first = optimizeExpression(g);
    expect(opsOf(first.graph)).toEqual(['matmulReduce']);
    expect(optimizeExpression(first.graph).log).toEqual([]);
  });

  describe('law: with the pass, the graph computes what it does without it, bit for bit', () => {
    const EPILOGUES: [string, (p: Tensor, b: Tensor) => Tensor][] = [
      ['p', (p) => p],
      ['p + b', (p, b) => ops.add(p, b)],
      ['b + p', (p, b) => ops.add(b, p)],
      ['relu(p)', (p) => ops.relu(p)],
      ['relu(p + b)', (p, b) => ops.relu(ops.add(p, b))],
      ['relu(p * b)', (p, b) => ops.relu(ops.mul(p, b))],
      ['exp(p) - b', (p, b) => ops.sub(ops.exp(p), b)],
    ];
    const recipeArb = fc.record({
      m: fc.constantFrom(0, 1, 3, 9, 40),
      k: fc.constantFrom(1, 2, 7, 16, 33),
      n: fc.constantFrom(1, 3, 4, 8, 13),
      aRank: fc.constantFrom(1, 2, 3),
      dtype: fc.constantFrom('float32', 'float32', 'float64'),
      epilogue: fc.nat({ max: EPILOGUES.length - 1 }),
      reduce: fc.constantFrom('sum', 'sum', 'max', 'min'),
      axis: fc.constantFrom(-1, -1, 0, null),
      keepDims: fc.boolean(),
      seed: fc.nat(),
    });

    it('on random dense layers, epilogues, reductions and axes', () => {
      let taken = 0;
      fc.assert(
        fc.property(recipeArb, (rc) => {
          const aShape: SymShape = rc.aRank === 1 ? [rc.k] : rc.aRank === 2 ? [rc.m, rc.k] : [2, rc.m, rc.k];
          const g = trace([['a', rc.dtype, aShape], ['w', rc.dtype, [rc.k, rc.n]], ['b', rc.dtype, [rc.n]]], (a, w, b) => {
            const v = EPILOGUES[rc.epilogue][1](ops.matmul(a, w), b);
            return ops[rc.reduce as 'sum'](v, rc.axis, rc.keepDims);
          });
          const on = optimizeExpression(g).graph;
          if (opsOf(on).includes('matmulReduce')) taken++;
          expectSameResults(optimizeExpression(g, off).graph, on, rc.seed, 2);
        }),
        { numRuns: 60 },
      );
      // Not every recipe is taken (with `b + p` of equal rank, fusedReduce puts b in slot 0), but most are.
      expect(taken).toBeGreaterThan(40);
    });
  });
});
