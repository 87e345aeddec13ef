import '@weir/kernels-cpu';
import { ops } from '@weir/dataflow';
import type { DType, ExprGraph, Tensor } from '@weir/dataflow';
import { optimizeExpression } from '../pass-manager';
import { expectIdentical, opsOf, randomTensor, rng, run, trace } from '../spec-helpers';
import { matmulPower } from './matmul-power';

/** The TensorFlow guide's power(x, n): the identity multiplied by x, n times (x on the right or the left). */
const power = (dtype: DType, n: number, side: 'right' | 'left' = 'right', size = 10): ExprGraph =>
  trace([['x', dtype, [size, size]]], (x) => {
    let r = ops.eye(size, dtype);
    for (let i = 0; i < n; i++) r = side === 'right' ? ops.matmul(r, x) : ops.matmul(x, r);
    return r;
  });

const matmuls = (g: ExprGraph): number => opsOf(g).filter((op) => op === 'matmul').length;

/** Results on random inputs (int32 values up to ±2^31, so products wrap), bit for bit. */
function expectBitIdentical(before: ExprGraph, after: ExprGraph, seed = 3): void {
  const r = rng(seed);
  for (let k = 0; k < 4; k++) {
    const inputs = before.inputs.map((s) => randomTensor(r, s.dtype, s.shape as number[]));
    const want = run(before, inputs) as Tensor;
    expectIdentical(run(after, inputs), want);
  }
}

describe('matmulPower', () => {
  it('computes power(x, 100) on int32 with 8 matmuls instead of 100, bit for bit the same', () => {
    const g = power('int32', 100);
    const { graph, log } = optimizeExpression(g);
    expect(matmuls(g)).toBe(100);
    expect(matmuls(graph)).toBe(8);
    expect(log.map((r) => r.pass)).toContain('matmulPower');
    expect(log.find((r) => r.pass === 'matmulPower')?.summary).toBe('replaced 99 chained matmuls by 8 (repeated squaring) in 1 chain');
    expectBitIdentical(g, graph);
  });

  it('handles the chain with x on the left, as the TensorFlow guide writes it', () => {
    const g = power('int32', 37, 'left', 4);
    const { graph } = optimizeExpression(g);
    expect(matmuls(graph)).toBe(7); // x^37: squarings to x^32 (5) and two products
    expectBitIdentical(g, graph, 11);
  });

  it('keeps the first factor when it is not x: r0·x^k', () => {
    const g = trace([['r0', 'int32', [2, 3]], ['x', 'int32', [3, 3]]], (r0, x) => {
      let r = r0;
      for (let i = 0; i < 6; i++) r = ops.matmul(r, x);
      return r;
    });
    const after = matmulPower.run(g) as ExprGraph;
    const { graph } = optimizeExpression(g, { passes: { fusion: false } });
    expect(matmuls(graph)).toBe(4); // x^2, x^4, x^2·x^4, r0·x^6
    expectBitIdentical(g, after, 5);
    expectBitIdentical(g, graph, 6);
  });

  it('applies to uint8 chains, which wrap modulo 2^8 just as exactly', () => {
    const g = power('uint8', 12, 'right', 5);
    const { graph } = optimizeExpression(g);
    expect(matmuls(graph)).toBeLessThan(6);
    expectBitIdentical(g, graph, 8);
  });

  it('is not applied to float32 (regrouping float products changes the rounding)', () => {
    const g = trace([['x', 'float32', [4, 4]]], (x) => {
      let r = x;
      for (let i = 0; i < 20; i++) r = ops.matmul(r, x);
      return r;
    });
    expect(matmulPower.run(g)).toBeNull();
    expect(matmuls(optimizeExpression(g).graph)).toBe(20);
  });

  it('is not applied to chains shorter than 4, or to a uint8 x in an int32 chain', () => {
    expect(matmulPower.run(power('int32', 3))).toBeNull();
    const mixed = trace([['r0', 'int32', [3, 3]], ['x', 'uint8', [3, 3]]], (r0, x) => {
      let r = r0;
      for (let i = 0; i < 8; i++) r = ops.matmul(r, x);
      return r;
    });
    expect(matmulPower.run(mixed)).toBeNull();
  });

  it('stops a chain at an intermediate something else reads', () => {
    const g = trace([['x', 'int32', [3, 3]]], (x) => {
      let r = x;
      const kept: unknown[] = [];
      for (let i = 0; i < 9; i++) {
        r = ops.matmul(r, x);
        if (i === 2) kept.push(r);
      }
      return [r, ...kept];
    });
    const after = matmulPower.run(g) as ExprGraph;
    // x^4 (returned) stays a chain of 3; x^10 = x^4 · x^6 with x^6 = x^2 · x^4 by squaring, whose x^2 CSE
    // shares with the first chain: 3 + 3
    expect(matmuls(optimizeExpression(g).graph)).toBe(6);
    expectBitIdentical(g, after, 9);
  });
});
