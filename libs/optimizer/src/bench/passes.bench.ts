/**
 * Each expression pass's own effect on run time: the same traced graph run with the pass on and off. Run:
 *   npx tsx --tsconfig tsconfig.base.json libs/optimizer/src/bench/passes.bench.ts
 * Prints milliseconds per run (median of 7) and the speed-up. Not a test; numbers vary by machine.
 */
import '@weir/kernels-cpu';
import { ops, prepareGraph, tensor, Tensor, traceGraph } from '@weir/dataflow';
import type { DType, ExprGraph } from '@weir/dataflow';
import { optimizeExpression, PASS_NAMES } from '../index';

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

function time(g: ExprGraph, inputs: unknown[], reps: number): number {
  const p = prepareGraph(g);
  p.run(inputs);
  const runs: number[] = [];
  for (let k = 0; k < 7; k++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) p.run(inputs);
    runs.push((performance.now() - t0) / reps);
  }
  return median(runs);
}

function compare(title: string, g: ExprGraph, inputs: unknown[], reps: number, off: string): void {
  const on = optimizeExpression(g, { check: false }).graph;
  const without = optimizeExpression(g, { check: false, passes: { [off]: false } }).graph;
  const a = time(without, inputs, reps);
  const b = time(on, inputs, reps);
  console.log(`${title}: ${off} off ${a.toFixed(3)} ms, on ${b.toFixed(3)} ms (${(a / b).toFixed(1)}x)`);
}

const f32 = (name: string, shape: number[], dtype: DType = 'float32') => ({ name, dtype, shape });
const N = 1 << 20;
const x = tensor(Float32Array.from({ length: N }, (_, i) => Math.sin(i)), 'float32', [N / 256, 256]);
const b = tensor(Float32Array.from({ length: 256 }, (_, i) => i / 256 - 0.5), 'float32', [256]);

const dense = traceGraph([f32('x', [N / 256, 256]), f32('b', [256])], (v) => v as [Tensor, Tensor], (xv, bv) =>
  ops.relu(ops.add(ops.mul(xv, 2), bv)));
compare('relu(x * 2 + b), 1M float32 (broadcast b)', dense, [x, b], 20, 'fusion');

const poly = traceGraph([f32('x', [N / 256, 256])], (v) => v as [Tensor], (xv) =>
  ops.sigmoid(ops.add(ops.mul(ops.add(ops.mul(xv, 0.5), 1), xv), ops.square(xv))));
compare('sigmoid((x * 0.5 + 1) * x + x^2), 1M float32', poly, [x], 20, 'fusion');

const xi = tensor(Int32Array.from({ length: 100 }, (_, i) => ((i * 7) % 3) - 1), 'int32', [10, 10]);
const power = traceGraph([f32('x', [10, 10], 'int32')], (v) => v as [Tensor], (xv) => {
  let r = ops.eye(10, 'int32');
  for (let i = 0; i < 100; i++) r = ops.matmul(r, xv);
  return r;
});
compare('power(x, 100), int32 10x10', power, [xi], 200, 'matmulPower');

console.log(`(passes: ${PASS_NAMES.join(', ')}; node ${process.version})`);
