/**
 * The TensorFlow guide's eager-vs-graph example: power(x, 100) with x a 10x10 int32 matrix, r = eye(10)
 * multiplied by x 100 times, the whole thing called 1000 times.
 *
 * Weir is imported lazily (./weir/power.ts) by the cases that run it, so the other cases never load it.
 */
import { compareExact } from './compare';
import type { BenchOptions, Case, Group } from './harness';
import { uniformI32 } from './random';
import { loadTf } from './tfjs';

const SIZE = 10;
const N = 100;

/** The hand-written loop: i-k-j order, int32 wraparound via Math.imul and `| 0`, two fresh buffers per call. */
function handPower(x: Int32Array, n: number, s: number): Int32Array {
  let r = new Int32Array(s * s);
  let t = new Int32Array(s * s);
  for (let i = 0; i < s; i++) r[i * s + i] = 1;
  for (let step = 0; step < n; step++) {
    t.fill(0);
    for (let i = 0; i < s; i++) {
      for (let k = 0; k < s; k++) {
        const a = r[i * s + k];
        for (let j = 0; j < s; j++) t[i * s + j] = (t[i * s + j] + Math.imul(a, x[k * s + j])) | 0;
      }
    }
    const u = r;
    r = t;
    t = u;
  }
  return r;
}

/** c = a·b for s x s int32 matrices, modulo 2^32. */
function matmulInt(a: Int32Array, b: Int32Array, s: number): Int32Array {
  const c = new Int32Array(s * s);
  for (let i = 0; i < s; i++) {
    for (let k = 0; k < s; k++) {
      const x = a[i * s + k];
      for (let j = 0; j < s; j++) c[i * s + j] = (c[i * s + j] + Math.imul(x, b[k * s + j])) | 0;
    }
  }
  return c;
}

/**
 * x^n by repeated squaring: about 2 log2(n) products instead of n. Exact for int32 (products of powers of
 * one matrix commute, and arithmetic modulo 2^32 is associative); the rewrite Weir's matmulPower pass makes.
 */
function handPowerSquaring(x: Int32Array, n: number, s: number): Int32Array {
  let r: Int32Array = new Int32Array(s * s);
  for (let i = 0; i < s; i++) r[i * s + i] = 1;
  let base: Int32Array = x;
  for (let e = n; e > 0; e >>= 1) {
    if (e & 1) r = matmulInt(r, base, s);
    if (e > 1) base = matmulInt(base, base, s);
  }
  return r;
}

export function powerGroup(opts: BenchOptions): Group {
  const calls = opts.quick ? 200 : 1000;
  // As in the guide: tf.random.uniform([10, 10], minval=-1, maxval=2, dtype=tf.int32), here seeded.
  const xs = uniformI32(SIZE * SIZE, -1, 2, 20240601);
  return {
    name: 'power',
    title: 'power(x, 100): eager vs graph (the TensorFlow guide example)',
    workload:
      `x: a 10x10 int32 matrix with entries in {-1, 0, 1} (seeded); \`power(x, 100)\` multiplies \`eye(10)\` by x 100 times; ` +
      `timed: ${calls} calls. Entries overflow int32 after a few steps, so every implementation must wrap modulo 2^32; ` +
      `the answers (the matrix of the last call) must be equal. ` +
      `Weir eager calls the plain function; Weir graph is \`fn(power)\` with n = 100 passed as a plain number (part of the trace key, ` +
      `so the loop unrolls into 100 matmul nodes before the optimizer sees it); its first call traces and is not timed.`,
    items: calls,
    unit: 'calls',
    baseline: 'hand',
    notes: [
      'The hand-written loop does the 100 products the function asks for; Weir graph may do fewer (its matmulPower pass rewrites an int32 chain of one matrix into repeated squaring), so "hand-written loop, repeated squaring" is the like-for-like reference for that rewrite.',
      'Reference, the TensorFlow guide (Python TF on its own machine): eager 4.10 s, graph 0.80 s (5.2x).',
      'tfjs: each call inside tf.tidy, its result disposed before the next call; the last matrix is read with dataSync().',
    ],
    cases: [
      {
        name: 'weir-graph',
        label: 'Weir graph (fn)',
        async make(info) {
          return (await import('./weir/power')).graphRunner(xs, SIZE, N, calls, info);
        },
      },
      // fn runs the expression passes only: stream passes (operator fusion, pushdowns) have no case here.
      ...opts.passSets.flatMap((ps): Case[] => {
        const passes = ps.exprPasses;
        if (passes === null) return [];
        return [{
          name: `weir-graph-no-${ps.id}`,
          label: `Weir graph (fn), ${ps.label}`,
          relativeTo: 'weir-graph',
          async make(info) {
            return (await import('./weir/power')).graphRunner(xs, SIZE, N, calls, info, passes);
          },
        }];
      }),
      {
        name: 'weir-eager',
        label: 'Weir eager',
        async make() {
          return (await import('./weir/power')).eagerRunner(xs, SIZE, N, calls);
        },
      },
      {
        name: 'tfjs',
        label: '@tensorflow/tfjs (cpu, eager)',
        async make(info) {
          const tf = await loadTf();
          const x = tf.tensor2d(xs, [SIZE, SIZE], 'int32');
          const call = () =>
            tf.tidy(() => {
              let r = tf.eye(SIZE, SIZE, undefined, 'int32');
              for (let i = 0; i < N; i++) r = tf.matMul(r, x);
              return r;
            });
          const before = tf.memory().numTensors;
          call().dispose();
          if (tf.memory().numTensors !== before) info(`leaks ${tf.memory().numTensors - before} tensors per call`);
          return () => {
            let r = call();
            for (let c = 1; c < calls; c++) {
              r.dispose();
              r = call();
            }
            const out = Array.from(r.dataSync());
            r.dispose();
            return out;
          };
        },
      },
      {
        name: 'hand',
        label: 'hand-written loop (Int32Array)',
        reference: true,
        make() {
          return () => {
            let r = handPower(xs, N, SIZE);
            for (let c = 1; c < calls; c++) r = handPower(xs, N, SIZE);
            return Array.from(r);
          };
        },
      },
      {
        name: 'hand-squaring',
        label: 'hand-written loop, repeated squaring',
        note: 'extra information: the same rewrite as the matmulPower pass',
        make() {
          return () => {
            let r = handPowerSquaring(xs, N, SIZE);
            for (let c = 1; c < calls; c++) r = handPowerSquaring(xs, N, SIZE);
            return Array.from(r);
          };
        },
      },
    ],
    targets: [
      { subject: 'weir-graph', baseline: 'weir-eager', atLeast: 5, text: 'graph >= 5x faster than Weir eager', source: 'issue 3' },
      { subject: 'weir-graph', baseline: 'hand', atLeast: 1 / 1.5, text: 'graph within 1.5x of the hand-written loop', source: 'issue 3' },
      { subject: 'weir-graph', baseline: 'tfjs', atLeast: 3, text: 'graph >= 3x faster than @tensorflow/tfjs', source: 'issue 4' },
    ],
    compare: compareExact,
  };
}
