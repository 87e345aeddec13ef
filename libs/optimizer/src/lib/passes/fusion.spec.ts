import '@weir/kernels-cpu';
import * as fc from 'fast-check';
import { ops, runOp, Tensor, tensor } from '@weir/dataflow';
import type { ExprGraph } from '@weir/dataflow';
import { optimizeExpression, PASS_NAMES } from '../pass-manager';
import { applySteps, expectIdentical, expectSameResults, lawInputsArb, lawStepsArb, opsOf, randomTensor, rng, run, trace } from '../spec-helpers';
import { fusion } from './fusion';

const only = (...names: string[]) => ({ passes: Object.fromEntries(PASS_NAMES.map((n) => [n, names.includes(n)])) });
const fused = (g: ExprGraph): ExprGraph => optimizeExpression(g, only('fusion', 'pruning')).graph;

describe('fusion', () => {
  it('fuses relu(x * 2 + b) into one node, the scalar 2 written into its program', () => {
    const g = trace([['x', 'float32', [null, 3]], ['b', 'float32', [3]]], (x, b) => ops.relu(ops.add(ops.mul(x, 2), b)));
    const r = fusion.apply(g);
    expect(r?.summary).toBe('fused 3 nodes into 1');
    const after = fused(g);
    expect(opsOf(after)).toEqual(['fused']);
    const node = after.nodes[after.nodes.length - 1];
    expect(node.inputs).toEqual([0, 1]);
    expect(node.attrs).toEqual({
      program: [['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1], ['input', 'float32', 1], ['add', 'float32', 2, 3], ['relu', 'float32', 4]],
      dtype: 'float32',
    });
    expect(after.consts.size).toBe(0);
    expectSameResults(g, after);
  });

  it('keeps a value that is read outside the group as its own node', () => {
    const g = trace([['x', 'float32', [4]]], (x) => {
      const e = ops.exp(ops.neg(x));
      return { a: ops.add(e, 1), b: ops.mul(e, e), e };
    });
    const after = fused(g);
    // neg+exp fuse (e is an output); add and mul each read e alone: single ops stay as they are.
    expect(opsOf(after)).toEqual(['fused', 'add', 'mul']);
    expectSameResults(g, after);
  });

  it('reads a value used twice by the group once', () => {
    const g = trace([['x', 'int32', [5]]], (x) => {
      const s = ops.square(x);
      return ops.sub(ops.mul(s, s), s);
    });
    const after = fused(g);
    expect(opsOf(after)).toEqual(['fused']);
    const program = after.nodes[after.nodes.length - 1].attrs.program as unknown[][];
    expect(program.filter((i) => i[0] === 'square')).toHaveLength(1);
    expectSameResults(g, after);
  });

  it('does not pull a smaller producer into a larger loop (it would be computed once per output element)', () => {
    const g = trace([['a', 'float32', [3]], ['b', 'float32', [4, 3]]], (a, b) => ops.mul(ops.add(ops.exp(ops.sqrt(a)), b), b));
    const after = fused(g);
    expect(opsOf(after)).toEqual(['fused', 'fused']);
    expect(after.nodes.filter((n) => n.op === 'fused').map((n) => n.shape)).toEqual([[3], [4, 3]]);
    expectSameResults(g, after);
  });

  it('leaves single elementwise ops and non-elementwise ops alone', () => {
    const g = trace([['x', 'float32', [2, 3]]], (x) => ops.sum(ops.matmul(ops.exp(x), ops.transpose(x))));
    expect(fusion.run(g)).toBeNull();
  });

  it('feeds a fused producer into a reduction', () => {
    const g = trace([['x', 'float32', [2, 3]]], (x) => ops.sum(ops.mul(ops.exp(x), x), 1));
    const after = fused(g);
    expect(opsOf(after)).toEqual(['fused', 'sum']);
    expectSameResults(g, after);
  });

  it('batches like any elementwise op: a leading batch dimension broadcasts through the fused node', () => {
    // What the runtime's vectorizer does: batched inputs [B, 1.., ...shape], constants unbatched.
    const g = trace([['x', 'float32', [3]], ['b', 'int32', [2, 3]]], (x, b) => ops.where(ops.greater(ops.mul(x, b), 0), ops.mul(x, b), ops.neg(b)));
    const after = optimizeExpression(g).graph;
    const node = after.nodes[after.nodes.length - 1];
    expect([node.op, node.inputs]).toEqual(['fused', [0, 1]]);
    const r = rng(4);
    const rows = 5;
    const xs = randomTensor(r, 'float32', [rows, 3]);
    const b = randomTensor(r, 'int32', [2, 3]);
    const batched = runOp('fused', [ops.reshape(xs, [rows, 1, 3]), b], node.attrs) as Tensor;
    expect(batched.shape).toEqual([rows, 2, 3]);
    for (let i = 0; i < rows; i++) {
      const row = new Tensor('float32', [3], xs.data.subarray(i * 3, i * 3 + 3));
      const want = run(g, [row, b]) as Tensor;
      expectIdentical(new Tensor(want.dtype, want.shape, batched.data.subarray(i * 6, i * 6 + 6)), want);
    }
  });

  describe('law: the fused graph computes what the unfused one does, bit for bit', () => {
    const WEAK: (number | boolean)[] = [0, 1, -1, 2, 3, 0.5, -0, NaN, Infinity, true, false, 1e10];

    const graphArb = fc.record({
      base: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 }),
      inputs: lawInputsArb,
      steps: lawStepsArb(WEAK, 14),
      extra: fc.nat(),
      seed: fc.nat(),
    });

    type Recipe = typeof graphArb extends fc.Arbitrary<infer T> ? T : never;

    function traceRecipe(rc: Recipe): ExprGraph {
      const shapes = rc.inputs.map((i) => rc.base.slice(Math.min(i.drop, rc.base.length)).map((d, k) => (i.ones[k] ? 1 : d)));
      return trace(rc.inputs.map((i, k) => [`x${k}`, i.dtype, shapes[k]] as const), (...xs: unknown[]) => {
        const values = applySteps(rc.steps, xs);
        return [values[values.length - 1], values[rc.extra % values.length]];
      });
    }

    it('on random elementwise graphs (shapes, dtypes, constants, NaN and ±Infinity)', () => {
      let fusedRuns = 0;
      fc.assert(
        fc.property(graphArb, (rc) => {
          const g = traceRecipe(rc);
          const after = fused(g);
          if (opsOf(after).includes('fused')) fusedRuns++;
          expectSameResults(g, after, rc.seed, 2);
          expectSameResults(g, optimizeExpression(g).graph, rc.seed + 1, 1);
        }),
        { seed: 424242, numRuns: 300 },
      );
      expect(fusedRuns).toBeGreaterThan(100);
    });
  });

  it('fuses a cast and mixed dtypes with the unfused rounding and wrap-around', () => {
    const g = trace([['a', 'int32', [4]], ['f', 'float32', [4]]], (a, f) =>
      ops.add(ops.cast(ops.mul(ops.mul(a, a), 65536), 'uint8'), ops.cast(ops.add(ops.div(f, 3), tensor(0.1, 'float64')), 'float32')));
    const after = fused(g);
    expect(opsOf(after)).toEqual(['fused']);
    const a = tensor([46341, -7, 2147483647, 123456789], 'int32');
    const f = tensor([1, NaN, -Infinity, 1e-7], 'float32');
    expectIdentical(run(after, [a, f]), run(g, [a, f]));
  });
});
