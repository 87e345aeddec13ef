import '@weir/kernels-cpu';
import { fn, ops, setExprOptimizer, tensor } from '@weir/dataflow';
import type { ExprOptimizer, Tensor } from '@weir/dataflow';
import { optimizeExpression } from './pass-manager';
import { expectIdentical } from './spec-helpers';

// How the runtime wires the optimizer in: setExprOptimizer(optimizeExpression); fn() then optimizes each trace.
describe('optimizeExpression installed as the expression optimizer', () => {
  const installable: ExprOptimizer = optimizeExpression; // the type the hook takes
  beforeEach(() => setExprOptimizer(installable));
  afterEach(() => setExprOptimizer(null));

  const power = (x: Tensor, n: number): Tensor => {
    let r = ops.eye(x.shape[0], x.dtype);
    for (let i = 0; i < n; i++) r = ops.matmul(r, x);
    return r;
  };

  it('gives fn(power) the same int32 result as eager, with 8 matmuls, and explains each pass', () => {
    const x = tensor(Array.from({ length: 100 }, (_, i) => ((i * 7919) % 23) - 11), 'int32', [10, 10]);
    const compiled = fn(power);
    expectIdentical(compiled(x, 100), power(x, 100));
    const text = compiled.explain();
    expect(text).toContain('after matmulPower: replaced 99 chained matmuls by 8 (repeated squaring) in 1 chain');
    expect(text.split('after pruning')[1].match(/matmul\(/g)).toHaveLength(8);
  });

  it('honours fn options.passes', () => {
    const compiled = fn(power, { passes: { matmulPower: false } });
    const x = tensor([[1, 1], [0, 1]], 'int32');
    expect(compiled(x, 6).toArray()).toEqual([[1, 6], [0, 1]]);
    expect(compiled.explain()).not.toContain('matmulPower');
  });

  it('runs fused elementwise code inside fn with the eager result', () => {
    const f = (x: Tensor, b: Tensor) => ops.sigmoid(ops.sub(ops.mul(x, 3), ops.div(b, 2)));
    const compiled = fn(f);
    const x = tensor([[1, -2, NaN], [Infinity, 0.25, -0]]);
    const b = tensor([[4, -Infinity, 1], [0, 1e30, -3]]);
    expectIdentical(compiled(x, b), f(x, b));
    expect(compiled.explain()).toContain('fused 4 nodes into 1');
  });
});
