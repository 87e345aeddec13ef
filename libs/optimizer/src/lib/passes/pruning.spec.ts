import '@weir/kernels-cpu';
import { ops } from '@weir/dataflow';
import type { ExprGraph } from '@weir/dataflow';
import { expectSameResults, opsOf, trace } from '../spec-helpers';
import { pruning } from './pruning';

describe('pruning', () => {
  it('removes nodes nothing reads, and counts them', () => {
    const g = trace([['x', 'float32', [3]]], (x) => {
      ops.exp(ops.log(x)); // unused
      return ops.neg(x);
    });
    const r = pruning.apply(g);
    expect(r?.summary).toBe('removed 2 nodes');
    expect(opsOf(r?.graph as ExprGraph)).toEqual(['neg']);
    expectSameResults(g, r?.graph as ExprGraph);
    expect(pruning.run(r?.graph as ExprGraph)).toBeNull();
  });

  it('keeps print effects and everything they read', () => {
    const g = trace([['x', 'float32', [3]]], (x) => {
      ops.print('sq', ops.square(x));
      ops.exp(x);
      return 1;
    });
    const after = pruning.run(g) as ExprGraph;
    expect(opsOf(after)).toEqual(['square', 'print']);
    expect(after.effects).toEqual([2]);
  });

  it('keeps every input node, used or not, and removes unused constants', () => {
    const g = trace([['x', 'float32', [3]], ['y', 'float32', [3]]], (x) => {
      ops.add(x, 5);
      return x;
    });
    const after = pruning.run(g) as ExprGraph;
    expect(after.nodes.map((n) => n.op)).toEqual(['input', 'input']);
    expect(after.consts.size).toBe(0);
  });

  it('prunes an unused op that would fail (non-strict execution)', () => {
    const g = trace([['x', 'float32', [3]]], (x) => {
      ops.gather(x, ops.cast(ops.mul(x, 100), 'int32'));
      return x;
    });
    expect(opsOf(pruning.run(g) as ExprGraph)).toEqual([]);
  });
});
