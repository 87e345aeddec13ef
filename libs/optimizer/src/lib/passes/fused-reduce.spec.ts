import '@weir/kernels-cpu';
import * as fc from 'fast-check';
import { formatNode, OpError, ops, Tensor } from '@weir/dataflow';
import type { ExprGraph, SymShape } from '@weir/dataflow';
import { optimizeExpression, PASS_NAMES } from '../pass-manager';
import { applySteps, expectSameResults, lawInputsArb, lawStepsArb, opsOf, trace } from '../spec-helpers';
import { fusedReduce } from './fused-reduce';
import './fused-reduce-format';

const only = (...names: string[]) => ({ passes: Object.fromEntries(PASS_NAMES.map((n) => [n, names.includes(n)])) });
const last = (g: ExprGraph) => g.nodes[g.nodes.length - 1];

describe('fusedReduce', () => {
  it('folds relu(x * 2 + b) into its sum over the last axis, with an unknown batch dimension', () => {
    const g = trace([['x', 'float32', [null, 64]], ['b', 'float32', [64]]], (x, b) => ops.sum(ops.relu(ops.add(ops.mul(x, 2), b)), -1));
    const { graph, log } = optimizeExpression(g);
    expect(log.map((r) => `${r.pass}: ${r.summary}`)).toContain('fusedReduce: fused 1 node into the reduction reading it');
    expect(opsOf(graph)).toEqual(['fusedReduce']);
    const n = last(graph);
    expect([n.inputs, n.dtype, n.shape]).toEqual([[0, 1], 'float32', [null]]);
    expect(n.attrs).toEqual({
      program: [['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1], ['input', 'float32', 1], ['add', 'float32', 2, 3], ['relu', 'float32', 4]],
      dtype: 'float32', reduce: 'sum', axis: [1], keepDims: false,
    });
    expect(formatNode(n)).toBe('%2 = fusedReduce(%0, %1, sum(relu(($0 * 2) + $1), axis=[1])) : float32[?]');
    expectSameResults(g, graph);
  });

  it('folds the masked sum over a whole batch of shape [null] (the hot case)', () => {
    const g = trace([['x', 'float64', [null]]], (x) => {
      const y = ops.add(ops.mul(x, 2), 1);
      return ops.sum(ops.where(ops.notEqual(ops.mod(y, 3), 0), y, 0));
    });
    const after = optimizeExpression(g).graph;
    expect(opsOf(after)).toEqual(['fusedReduce']);
    expect([last(after).attrs.reduce, last(after).attrs.axis, last(after).shape]).toEqual(['sum', [0], []]);
    expectSameResults(g, after, 3, 10);
  });

  it('folds a single elementwise op, also when fusion is off', () => {
    const g = trace([['x', 'int32', [4, 5]]], (x) => ops.max(ops.square(x), 1, true));
    expect(opsOf(optimizeExpression(g).graph)).toEqual(['fusedReduce']);
    const after = optimizeExpression(g, { passes: { fusion: false } }).graph;
    expect(opsOf(after)).toEqual(['fusedReduce']);
    expect(last(after).attrs).toMatchObject({ program: [['input', 'int32', 0], ['square', 'int32', 0]], reduce: 'max', axis: [1], keepDims: true });
    expectSameResults(g, after);
  });

  it('puts an input of the broadcast rank first, renumbering the program', () => {
    const g = trace([['b', 'float32', [3]], ['x', 'float32', [null, 3]]], (b, x) => ops.min(ops.sub(b, x), 0));
    const after = optimizeExpression(g).graph;
    const n = last(after);
    expect([n.op, n.inputs]).toEqual(['fusedReduce', [1, 0]]);
    expect(n.attrs.program).toEqual([['input', 'float32', 1], ['input', 'float32', 0], ['sub', 'float32', 0, 1]]);
    expectSameResults(g, after);
  });

  it('leaves a producer that something else reads, a reduction it does not fold, and a reduction over no axis', () => {
    const shared = trace([['x', 'float32', [4]]], (x) => {
      const e = ops.exp(ops.neg(x));
      return [ops.sum(e), e];
    });
    expect(fusedReduce.run(optimizeExpression(shared, only('fusion')).graph)).toBeNull();
    const twice = trace([['x', 'float32', [4]]], (x) => {
      const e = ops.exp(x);
      return ops.add(ops.sum(e), ops.max(e));
    });
    expect(fusedReduce.run(twice)).toBeNull();
    expect(fusedReduce.run(trace([['x', 'float32', [2, 3]]], (x) => ops.mean(ops.exp(x), 1)))).toBeNull();
    expect(fusedReduce.run(trace([['x', 'float32', [2, 3]]], (x) => ops.argmax(ops.exp(x), 1)))).toBeNull();
    expect(fusedReduce.run(trace([['x', 'float32', [2, 3]]], (x) => ops.sum(ops.exp(x), [])))).toBeNull();
    expect(fusedReduce.run(trace([['x', 'float32', []]], (x) => ops.sum(ops.exp(x))))).toBeNull();
    expect(fusedReduce.run(trace([['x', 'float32', [2, 3]]], (x) => ops.sum(ops.matmul(x, ops.transpose(x)))))).toBeNull();
  });

  it('is switched off by name: then the fused producer and the reduction stay two nodes', () => {
    const g = trace([['x', 'float32', [null, 8]]], (x) => ops.sum(ops.tanh(ops.mul(x, x)), 1));
    const off = optimizeExpression(g, { passes: { fusedReduce: false } });
    expect(opsOf(off.graph)).toEqual(['fused', 'sum']);
    expect(off.log.map((r) => r.pass)).not.toContain('fusedReduce');
    expect(opsOf(optimizeExpression(g).graph)).toEqual(['fusedReduce']);
    expectSameResults(off.graph, optimizeExpression(g).graph);
  });

  it('reaches a fixed point: optimizing its result again changes nothing', () => {
    const g = trace([['x', 'float32', [null, 8]], ['b', 'float32', [8]]], (x, b) => ops.add(ops.max(ops.mul(x, b), -1), ops.sum(ops.exp(b))));
    const first = optimizeExpression(g);
    expect(opsOf(first.graph).filter((op) => op === 'fusedReduce')).toHaveLength(2);
    expect(optimizeExpression(first.graph).log).toEqual([]);
    expectSameResults(g, first.graph);
  });

  describe('law: the optimized graph computes what the unoptimized one does, bit for bit', () => {
    const WEAK: (number | boolean)[] = [0, 1, -1, 2, 3, 0.5, -0, NaN, Infinity, true, 1e10];
    const REDUCE = ['sum', 'max', 'min', 'sum', 'max', 'min', 'mean', 'argmax'] as const;

    const recipeArb = fc.record({
      // Dimensions of the broadcast shape; 0 stands for an unknown one (null), which the run makes 3.
      base: fc.array(fc.constantFrom(0, 1, 2, 3, 4, 5), { minLength: 1, maxLength: 3 }),
      inputs: lawInputsArb,
      steps: lawStepsArb(WEAK, 8),
      reduce: fc.constantFrom(...REDUCE),
      axes: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      allAxes: fc.boolean(),
      keepDims: fc.boolean(),
      alsoReturn: fc.nat({ max: 6 }),
      seed: fc.nat(),
    });

    type Recipe = typeof recipeArb extends fc.Arbitrary<infer T> ? T : never;

    function traceRecipe(rc: Recipe): ExprGraph {
      const base: SymShape = rc.base.map((d) => (d === 0 ? null : d));
      // The first input has the full rank (the others may have fewer dimensions), so most graphs reduce a
      // value that has axes to reduce.
      const shapes = rc.inputs.map((i, j) => base.slice(j === 0 ? 0 : Math.min(i.drop, base.length)).map((d, k) => (i.ones[k] ? 1 : d)));
      return trace(rc.inputs.map((i, k) => [`x${k}`, i.dtype, shapes[k]] as const), (...xs: unknown[]) => {
        const values = applySteps(rc.steps, xs);
        const v = values[values.length - 1];
        let out: unknown = v;
        try {
          const rank = (v as Tensor).shape?.length ?? 0;
          const axes = rc.allAxes ? null : rc.axes.slice(0, rank).flatMap((on, k) => (on ? [k] : []));
          out = rc.reduce === 'argmax' ? ops.argmax(v as Tensor, axes?.[0]) : (ops as any)[rc.reduce](v, axes, rc.keepDims);
        } catch (e) {
          if (!(e instanceof OpError)) throw e;
        }
        // Sometimes the producer is an output too, and must then stay a node of its own.
        return rc.alsoReturn === 0 ? [out, v] : out;
      });
    }

    it('on random elementwise graphs under a reduction (dtypes, broadcasting, unknown dimensions, NaN and ±Infinity)', () => {
      let folded = 0;
      fc.assert(
        fc.property(recipeArb, (rc) => {
          const g = traceRecipe(rc);
          const after = optimizeExpression(g).graph;
          if (opsOf(after).includes('fusedReduce')) folded++;
          expectSameResults(g, after, rc.seed, 2);
          expectSameResults(optimizeExpression(g, { passes: { fusedReduce: false } }).graph, after, rc.seed + 1, 1);
        }),
        { seed: 20260101, numRuns: 300 },
      );
      expect(folded).toBeGreaterThan(100);
    });
  });
});
