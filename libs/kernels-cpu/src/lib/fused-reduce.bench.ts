/**
 * Micro benchmark of the masked sum `sum(where(notEqual(mod(y, 3), 0), y, 0))`, y = x * 2 + 1, over a 10M
 * Float64Array of integers (the scalar-stream benchmark's data, as one batch): the hand-written loop; the
 * `fused` kernel then the `sum` kernel (what the optimizer made before fusedReduce); the fusedReduce kernel;
 * the fusedReduce kernel on non-integers (floatMod's general path).
 * Not a test: run it and read the numbers.
 *
 * ```sh
 * node --require ./bench/register-tsc.cjs libs/kernels-cpu/src/lib/fused-reduce.bench.ts [n]
 * ```
 */
import { runOp, Tensor } from '@weir/dataflow';
import type { AttrValue } from '@weir/dataflow';
import '../index';

const PROGRAM: AttrValue[] = [
  ['input', 'float64', 0], ['const', 'float64', 2], ['mul', 'float64', 0, 1], ['const', 'float64', 1], ['add', 'float64', 2, 3],
  ['const', 'float64', 3], ['mod', 'float64', 4, 5], ['const', 'float64', 0], ['notEqual', 'bool', 6, 7], ['where', 'float64', 8, 4, 7],
];

function hand(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const y = x[i] * 2 + 1;
    if (y % 3 !== 0) s += y;
  }
  return s;
}

const unfused = (x: Tensor): number =>
  (runOp('sum', [runOp('fused', [x], { program: PROGRAM, dtype: 'float64' }) as Tensor]) as Tensor).data[0];
const fusedReduce = (x: Tensor): number =>
  (runOp('fusedReduce', [x], { program: PROGRAM, dtype: 'float64', reduce: 'sum', axis: null }) as Tensor).data[0];

function time(name: string, n: number, f: () => number, runs = 7): void {
  f(); // warm-up: compiles the loop and lets V8 optimize it
  f();
  const ms: number[] = [];
  const cpu: number[] = [];
  let answer = 0;
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    answer = f();
    const c = process.cpuUsage(c0);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    cpu.push((c.user + c.system) / 1e3);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const med = median(ms);
  // CPU time as well: on a busy machine wall time also counts the time other processes had the core.
  console.log(
    `${name.padEnd(24)} median ${med.toFixed(1).padStart(6)} ms (CPU ${median(cpu).toFixed(1).padStart(6)} ms)  min ${Math.min(...ms).toFixed(1).padStart(6)} ms` +
      `  ${(n / med / 1e3).toFixed(0).padStart(4)} M/s  ${((med * 1e6) / n).toFixed(2)} ns/elem  sum=${answer}`,
  );
}

const n = Number(process.argv[2] ?? 10_000_000);
const data = Float64Array.from({ length: n }, (_, i) => i);
const x = new Tensor('float64', [n], data);
time('hand loop (y % 3)', n, () => hand(data));
time('fused + sum kernels', n, () => unfused(x));
time('fusedReduce kernel', n, () => fusedReduce(x));
// Non-integer data takes floatMod's general path (fmod): the int32 test must not slow it down.
const halves = new Tensor('float64', [n], data.map((v) => v + 0.25));
time('fusedReduce, x + 0.25', n, () => fusedReduce(halves));
