import '@weir/kernels-cpu';
import { ops, setPrintSink, tensor } from '@weir/dataflow';
import type { ExprGraph } from '@weir/dataflow';
import { PassCheckError } from './graph/check';
import { definePass } from './pass';
import { MAX_ROUNDS, optimizeExpression, PASS_NAMES, runPasses } from './pass-manager';
import { expectSameResults, opsOf, trace } from './spec-helpers';

const sample = (): ExprGraph =>
  trace([['x', 'float32', [null, 4]], ['b', 'float32', [4]]], (x, b) => {
    const h = ops.relu(ops.add(ops.mul(ops.mul(x, 1), 2), b));
    ops.print('h', ops.neg(ops.neg(h)));
    ops.exp(x); // dead
    return { y: ops.add(ops.exp(h), ops.exp(h)), s: ops.sum(ops.transpose(ops.transpose(h))) };
  });

describe('the pass manager', () => {
  let restore: (line: string) => void;
  beforeAll(() => (restore = setPrintSink(() => undefined)));
  afterAll(() => setPrintSink(restore));

  it('runs the passes in the documented order', () => {
    expect(PASS_NAMES).toEqual(['constantFolding', 'simplify', 'cse', 'matmulPower', 'pruning', 'fusion', 'fusedReduce', 'matmulReduce']);
  });

  it('runs to a fixed point: optimizing its own result changes nothing', () => {
    const g = sample();
    const first = optimizeExpression(g);
    expect(first.log.length).toBeGreaterThan(0);
    const again = optimizeExpression(first.graph);
    expect(again.log).toEqual([]);
    expect(again.graph).toBe(first.graph);
    expectSameResults(g, first.graph);
  });

  it('logs every pass application that changed something, with a count and the graph after it', () => {
    const { graph, log } = optimizeExpression(sample());
    expect(log.map((r) => `${r.pass}: ${r.summary}`)).toEqual([
      'simplify: simplified 3 nodes',
      'cse: merged 1 node into earlier equal ones',
      'pruning: removed 4 nodes',
      'fusion: fused 5 nodes into 2',
      'pruning: removed 1 node',
    ]);
    expect(log[log.length - 1].after).toBe(graph);
    expect(opsOf(graph)).toEqual(['fused', 'print', 'fused', 'sum']);
  });

  it('switches passes off by name, and accepts true for passes that are on anyway', () => {
    const g = sample();
    const { graph, log } = optimizeExpression(g, { passes: { cse: false, fusion: false, simplify: true } });
    expect(log.map((r) => r.pass)).not.toContain('cse');
    expect(log.map((r) => r.pass)).not.toContain('fusion');
    expect(opsOf(graph).filter((op) => op === 'exp')).toHaveLength(2);
    const none = optimizeExpression(g, { passes: Object.fromEntries(PASS_NAMES.map((n) => [n, false])) });
    expect(none).toEqual({ graph: g, log: [] });
  });

  it('rejects unknown pass names, naming the known ones', () => {
    expect(() => optimizeExpression(sample(), { passes: { cse: false, fold: false } })).toThrow(
      "Unknown optimizer pass 'fold'; the passes are constantFolding, simplify, cse, matmulPower, pruning, fusion, fusedReduce",
    );
    expect(() => optimizeExpression(sample(), { passes: { a: true, b: false } })).toThrow("Unknown optimizer passes 'a', 'b'");
  });

  it('stops after MAX_ROUNDS rounds when a pass never settles', () => {
    const flip = definePass('flip', (g) => ({ graph: { ...g }, count: 1, summary: 'flipped' }));
    const { log } = runPasses([flip], sample(), true);
    expect(log).toHaveLength(MAX_ROUNDS);
  });

  describe('the debug check (on under tests; WEIR_CHECK_PASSES=1 elsewhere)', () => {
    it('names a pass that changes an output dtype', () => {
      const broken = definePass('broken', (g) => {
        const nodes = g.nodes.map((n, i) => (i === g.nodes.length - 1 ? { ...n, dtype: 'float64' as const, op: 'cast', attrs: { dtype: 'float64' } } : n));
        return { graph: { ...g, nodes }, count: 1, summary: 'broke it' };
      });
      const g = trace([['x', 'float32', [2]]], (x) => ops.neg(x));
      expect(() => runPasses([broken], g, true)).toThrow(PassCheckError);
      expect(() => runPasses([broken], g, true)).toThrow("Optimizer pass 'broken' changed the graph's schema: the output was float32[2] and is now float64[2]");
      expect(runPasses([broken], g, false).log).toHaveLength(MAX_ROUNDS);
    });

    it('names a pass that breaks the graph: an input used before it is defined', () => {
      const swap = definePass('swap', (g) => ({ graph: { ...g, nodes: [...g.nodes].reverse() }, count: 1, summary: 'swapped' }));
      const g = trace([['x', 'float32', [2]]], (x) => ops.neg(x));
      expect(() => runPasses([swap], g, true)).toThrow("Optimizer pass 'swap' made a malformed graph: node at index 0 has id 1");
    });

    it('checks the graph it is given, by default under a test runner', () => {
      const g = trace([['x', 'float32', [2]]], (x) => ops.add(x, tensor([1, 2])));
      const bad: ExprGraph = { ...g, nodes: g.nodes.map((n) => (n.op === 'add' ? { ...n, dtype: 'int32' } : n)) };
      expect(() => optimizeExpression(bad)).toThrow("Optimizer pass '(input)' made a malformed graph: node %2 ('add') says int32[2] but its inputs give float32[2]");
      expect(() => optimizeExpression(bad, { check: false })).not.toThrow();
    });

    it('catches a lost effect', () => {
      const drop = definePass('drop', (g) => ({ graph: { ...g, nodes: g.nodes.slice(0, 1), effects: [] }, count: 1, summary: 'dropped' }));
      const g = trace([['x', 'float32', [2]]], (x) => {
        ops.print('x', x);
        return x;
      });
      expect(() => runPasses([drop], g, true)).toThrow('its effects were ["x"] and are now []');
    });
  });
});
