/**
 * Is splitting one float32 GEMM across the two cores worth it? The main thread and one worker_threads
 * worker instantiate the same GEMM module over one shared WebAssembly.Memory; the main thread copies A and
 * B in and packs B, each thread runs half of the rows, the main thread copies C out. Measurement only: the
 * kernel does not use workers. Run from the repository root:
 *
 *   npx tsx libs/kernels-cpu/src/bench/matmul_workers.bench.ts
 *
 * On the 2-core CI machine, [8192,256]·[256,64], best of 5 rounds of 50 calls, load under 0.7:
 *   one thread 9.3-9.5 ms (29 GFLOP/s); split in two 5.7 ms (47 GFLOP/s), 1.6x. Each half takes ~4.0-4.3
 *   ms; the rest is the serial part on the main thread: copying A in and C out and packing B (~0.4 ms).
 *   With another process busy on the second core, the split gains nothing (10 ms, both halves ~8 ms), so
 *   it only pays when the pipeline leaves a core idle, which a graph run with a worker pool does not.
 */
import { Worker } from 'worker_threads';
import { buildGemmModule, GEMM_TILE, PACK_B_EXPORT, rowsExport } from '../lib/wasm/gemm_module';
import { WASM_PAGE_BYTES, wasmApi } from '../lib/wasm/wasm_api';

const [M, K, N] = [8192, 256, 64];
const NR = 4 * GEMM_TILE.nv;

// Scratch layout in the shared memory (bytes): B as given, B packed, all of A, all of C. N is a multiple of 4.
const B_RAW = 0;
const B_PACKED = B_RAW + 4 * K * N + 16;
const A_AT = B_PACKED + 4 * K * N;
const C_AT = A_AT + 4 * M * K;
const BYTES = C_AT + 4 * M * N;

// Control words: [0] job generation, [1] first row, [2] row count, [3] done generation.
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const { bytes, memory, control, layout } = workerData;
const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
const ctl = new Int32Array(control);
let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break;
  const first = ctl[1], rows = ctl[2];
  for (let j0 = 0; j0 < layout.n; j0 += layout.nr) {
    ex['rows_' + Math.min(layout.nr, layout.n - j0) / 4](layout.a + 4 * first * layout.k, layout.bPacked + 4 * j0 * layout.k,
      layout.c + 4 * (first * layout.n + j0), rows, layout.k, 4 * layout.k, 4 * layout.n);
  }
  Atomics.store(ctl, 3, seen);
  Atomics.notify(ctl, 3);
}
`;

type RowsFn = (a: number, b: number, c: number, m: number, k: number, lda: number, ldc: number) => void;

async function main(): Promise<void> {
  const api = wasmApi();
  if (api === null) throw new Error('no WebAssembly');
  const pages = Math.ceil(BYTES / WASM_PAGE_BYTES);
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const bytes = buildGemmModule(GEMM_TILE, { module: 'env', name: 'memory', initial: pages, maximum: pages, shared: true });
  const ex = new api.Instance(new api.Module(bytes), { env: { memory } }).exports;
  const rows = (w: number): RowsFn => ex[rowsExport(w)] as RowsFn;
  const packB = ex[PACK_B_EXPORT] as (src: number, dst: number, k: number, n: number, n4: number) => void;
  const control = new SharedArrayBuffer(16);
  const ctl = new Int32Array(control);
  const layout = { a: A_AT, bPacked: B_PACKED, c: C_AT, k: K, n: N, nr: NR };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { bytes, memory, control, layout } });

  const a = Float32Array.from({ length: M * K }, () => Math.random() - 0.5);
  const b = Float32Array.from({ length: K * N }, () => Math.random() - 0.5);
  const out = new Float32Array(M * N);
  const heap = new Float32Array(memory.buffer);
  const runRows = (first: number, count: number): void => {
    for (let j0 = 0; j0 < N; j0 += NR) rows(Math.min(NR, N - j0) / 4)(A_AT + 4 * first * K, B_PACKED + 4 * j0 * K, C_AT + 4 * (first * N + j0), count, K, 4 * K, 4 * N);
  };
  let generation = 0;
  const gemm = (split: boolean): void => {
    heap.set(b, B_RAW / 4);
    packB(B_RAW, B_PACKED, K, N, N);
    heap.set(a, A_AT / 4);
    const half = split ? Math.floor(M / 2 / 4) * 4 : M;
    if (split) {
      ctl[1] = half;
      ctl[2] = M - half;
      Atomics.store(ctl, 0, ++generation);
      Atomics.notify(ctl, 0);
    }
    runRows(0, half);
    if (split) while (Atomics.load(ctl, 3) !== generation) Atomics.wait(ctl, 3, Atomics.load(ctl, 3));
    out.set(heap.subarray(C_AT / 4, C_AT / 4 + M * N));
  };

  const time = (split: boolean): number => {
    for (let i = 0; i < 10; i++) gemm(split);
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 50; i++) gemm(split);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6 / 50);
    }
    return best;
  };
  gemm(true);
  const splitOut = out.slice();
  gemm(false);
  if (!splitOut.every((x, i) => Object.is(x, out[i]))) throw new Error('split and single-thread results differ');
  const flops = 2 * M * K * N;
  for (const split of [false, true, false, true]) {
    const ms = time(split);
    console.log(`[${M},${K}]·[${K},${N}] ${split ? 'split over 2 threads' : 'one thread          '}: ${ms.toFixed(2)} ms, ${(flops / ms / 1e6).toFixed(1)} GFLOP/s`);
  }
  Atomics.store(ctl, 0, -1);
  Atomics.notify(ctl, 0);
  await worker.terminate();
}

void main();
