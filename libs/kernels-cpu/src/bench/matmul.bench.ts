/**
 * Float32 matmul: the JS loops against the WebAssembly SIMD GEMM. Run from the repository root:
 *
 *   npx tsx libs/kernels-cpu/src/bench/matmul.bench.ts              JS vs WASM GFLOP/s at the shapes that matter
 *   npx tsx libs/kernels-cpu/src/bench/matmul.bench.ts --tiles      WASM register tiles (backs GEMM_TILE, GEMM_TILE_FMA)
 *   npx tsx libs/kernels-cpu/src/bench/matmul.bench.ts --blocks     WASM A-block sizes (backs A_BLOCK_BYTES)
 *   npx tsx libs/kernels-cpu/src/bench/matmul.bench.ts --crossover  tiny products per call (backs WASM_MATMUL_MIN_MACS)
 *   npx tsx libs/kernels-cpu/src/bench/matmul.bench.ts --js-loops   JS loop orders (backs MATMUL_BLOCK)
 *   npx tsx libs/kernels-cpu/src/bench/matmul.bench.ts --threads    one thread against all (backs PARALLEL_MIN_MACS)
 *
 * Each figure is the best of 5 timed rounds after a warm-up. On the 2-core CI machine (Xeon with FMA, V8
 * 11.3, load under 1), the JS column being the float32 path below the threshold (double scratch, then rounding):
 *
 *   shape                 JS GFLOP/s  WASM GFLOP/s  (plain SIMD128, mul then add)
 *   [8192,256]·[256,64]   2.1         49.8  (30.7)  (5.39 ms a call, of which ~0.37 ms copying A in and C out)
 *   [1,256]·[256,64]      1.0         6.8   (6.8)   (5 µs a call: copying and packing all of W dominates)
 *   64x64x64              2.1         41.1  (30.3)
 *   512x512x512           2.1         51.2  (33.0)
 *   1024x1024x1024        1.7         50.0  (33.6)
 *
 * Plain SIMD128 has no fused multiply-add: an f32x4 multiply and add issue two a cycle, 8 flop a cycle,
 * ~30 GFLOP/s at this clock. Relaxed SIMD's `relaxed_madd` (behind a flag in Node 20, which relaxed_simd.ts
 * sets) is one FMA instruction here: ~50. `WEIR_RELAXED_SIMD=off` gives the plain column.
 */
import { gemmImpl, matmulImpl } from '../lib/matmul_impl';
import { A_BLOCK_BYTES, createWasmGemm, WasmGemm, wasmGemm } from '../lib/wasm/gemm_f32';
import type { GemmTile } from '../lib/wasm/gemm_module';
import { PARALLEL_MIN_MACS } from '../lib/wasm/gemm_threads';
import { defaultThreadCount } from '../lib/wasm/wasm_threads';

type Shape3 = readonly [m: number, k: number, n: number];

/** Seconds per call of `f`: best of 5 rounds, each long enough (~50 ms) to time. */
function secondsPerCall(f: () => void, flops: number): number {
  f();
  f();
  const reps = Math.max(1, Math.round(5e7 / Math.max(flops, 1)));
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < reps; r++) f();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9 / reps);
  }
  return best;
}

function inputs([m, k, n]: Shape3): { a: Float32Array; b: Float32Array; out: Float32Array } {
  return {
    a: Float32Array.from({ length: m * k }, () => Math.random() - 0.5),
    b: Float32Array.from({ length: k * n }, () => Math.random() - 0.5),
    out: new Float32Array(m * n),
  };
}

/** The JS float32 path as matmulImpl runs it below the WASM threshold: a double scratch, then one rounding. */
function jsCall([m, k, n]: Shape3, a: Float32Array, b: Float32Array, out: Float32Array): () => void {
  const scratch = new Float64Array(m * n);
  return () => {
    scratch.fill(0);
    gemmImpl(a, 0, b, 0, scratch, 0, m, k, n);
    out.set(scratch);
  };
}

function wasmCall(g: WasmGemm, [m, k, n]: Shape3, a: Float32Array, b: Float32Array, out: Float32Array): () => void {
  return () => {
    g.gemm(a, [0], b, [0], out, m, k, n);
  };
}

const gflops = (shape: Shape3, seconds: number): string => ((2 * shape[0] * shape[1] * shape[2]) / seconds / 1e9).toFixed(2);
const flopsOf = ([m, k, n]: Shape3): number => 2 * m * k * n;
const label = ([m, k, n]: Shape3): string => `[${m},${k}]·[${k},${n}]`;

function mainTable(): void {
  const g = wasmGemm();
  if (g === null) throw new Error('no WebAssembly SIMD128 on this runtime');
  const shapes: Shape3[] = [[8192, 256, 64], [1, 256, 64], [64, 64, 64], [512, 512, 512], [1024, 1024, 1024]];
  console.log('shape                      JS GFLOP/s  WASM GFLOP/s  WASM time');
  for (const shape of shapes) {
    const { a, b, out } = inputs(shape);
    const js = secondsPerCall(jsCall(shape, a, b, out), flopsOf(shape) * 8); // JS is ~15x slower: fewer reps
    const wasm = secondsPerCall(wasmCall(g, shape, a, b, out), flopsOf(shape));
    console.log(`${label(shape).padEnd(26)} ${gflops(shape, js).padStart(10)}  ${gflops(shape, wasm).padStart(12)}  ${(wasm * 1e3).toFixed(3)} ms`);
  }
  // What the WASM call spends on moving data for the dense shape: A in (8 MiB), C out (2 MiB), as memcpy.
  const [m, k, n] = [8192, 256, 64];
  const src = new Float32Array(m * k);
  const dst = new Float32Array(m * k);
  const copies = secondsPerCall(() => {
    dst.set(src);
    dst.set(src.subarray(0, m * n));
  }, 1e6);
  console.log(`copies for [8192,256]·[256,64] (A in, C out): ${(copies * 1e3).toFixed(3)} ms`);
}

function tiles(): void {
  const candidates: GemmTile[] = [
    { mr: 4, nv: 4, unroll: 1 }, { mr: 4, nv: 4, unroll: 2 }, { mr: 4, nv: 4, unroll: 4 }, { mr: 4, nv: 4, unroll: 8 },
    { mr: 4, nv: 2, unroll: 4 }, { mr: 6, nv: 2, unroll: 4 }, { mr: 8, nv: 2, unroll: 4 }, { mr: 3, nv: 4, unroll: 4 },
    { mr: 4, nv: 3, unroll: 4 }, { mr: 5, nv: 3, unroll: 4 }, { mr: 2, nv: 8, unroll: 4 }, { mr: 6, nv: 4, unroll: 2 },
    // relaxed SIMD's multiply-add (skipped where relaxed SIMD is off: GEMM_TILE_FMA)
    { mr: 6, nv: 2, unroll: 1, fma: true }, { mr: 4, nv: 2, unroll: 1, fma: true }, { mr: 8, nv: 2, unroll: 1, fma: true },
    { mr: 4, nv: 4, unroll: 1, fma: true }, { mr: 6, nv: 4, unroll: 1, fma: true }, { mr: 6, nv: 2, unroll: 2, fma: true },
    { mr: 6, nv: 2, unroll: 4, fma: true }, { mr: 4, nv: 3, unroll: 2, fma: true },
  ];
  const shapes: Shape3[] = [[8192, 256, 64], [64, 64, 64], [1, 256, 64], [1024, 1024, 1024]];
  console.log(`tile (rows x cols, k unroll)  ${shapes.map(label).join('  ')}   (GFLOP/s)`);
  const data = shapes.map(inputs);
  for (const tile of candidates) {
    const g = createWasmGemm({ tile });
    if (g === null && tile.fma === true) continue;
    if (g === null) throw new Error('no WebAssembly SIMD128 on this runtime');
    const row = shapes.map((s, i) => gflops(s, secondsPerCall(wasmCall(g, s, data[i].a, data[i].b, data[i].out), flopsOf(s))).padStart(label(s).length));
    console.log(`${`${tile.mr}x${4 * tile.nv}, unroll ${tile.unroll}${tile.fma === true ? ', fma' : ''}`.padEnd(29)} ${row.join('  ')}`);
  }
}

function blocks(): void {
  const shapes: Shape3[] = [[8192, 256, 64], [1024, 1024, 1024]];
  const data = shapes.map(inputs);
  console.log(`A block bytes  ${shapes.map(label).join('  ')}   (GFLOP/s; default ${A_BLOCK_BYTES})`);
  for (const aBlockBytes of [16 << 10, 64 << 10, 128 << 10, 256 << 10, 1 << 20, 8 << 20]) {
    const g = createWasmGemm({ aBlockBytes });
    if (g === null) throw new Error('no WebAssembly SIMD128 on this runtime');
    const row = shapes.map((s, i) => gflops(s, secondsPerCall(wasmCall(g, s, data[i].a, data[i].b, data[i].out), flopsOf(s))).padStart(label(s).length));
    console.log(`${String(aBlockBytes).padEnd(14)} ${row.join('  ')}`);
  }
}

function crossover(): void {
  const g = wasmGemm();
  if (g === null) throw new Error('no WebAssembly SIMD128 on this runtime');
  const shapes: Shape3[] = [[1, 1, 1], [2, 2, 2], [3, 3, 3], [2, 4, 4], [4, 4, 4], [8, 8, 8], [1, 16, 16], [256, 1, 1], [3, 3, 64], [16, 16, 16], [1, 256, 64]];
  console.log('shape                 MACs    JS matmulImpl  WASM call   (ns a call)');
  for (const shape of shapes) {
    const [m, k, n] = shape;
    const { a, b, out } = inputs(shape);
    // matmulImpl into a float64 output takes the JS loop at any size: the float32 JS path minus its scratch.
    const out64 = new Float64Array(m * n);
    const js = secondsPerCall(() => matmulImpl(a, [m, k], b, [k, n], out64, false), 1e3);
    const wasm = secondsPerCall(wasmCall(g, shape, a, b, out), 1e3);
    console.log(`${label(shape).padEnd(21)} ${String(m * k * n).padStart(5)}  ${(js * 1e9).toFixed(0).padStart(13)}  ${(wasm * 1e9).toFixed(0).padStart(9)}`);
  }
}

// The textbook i-j-k loop and the untiled i-k-j loop, against gemmImpl's tiles, in JS.
function jsLoops(): void {
  type Gemm = (a: Float32Array, b: Float32Array, c: Float64Array, m: number, k: number, n: number) => void;
  const naiveIjk: Gemm = (a, b, c, m, k, n) => {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
        c[i * n + j] = s;
      }
    }
  };
  const plainIkj: Gemm = (a, b, c, m, k, n) => {
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        for (let j = 0; j < n; j++) c[i * n + j] += aip * b[p * n + j];
      }
    }
  };
  const blocked: Gemm = (a, b, c, m, k, n) => gemmImpl(a, 0, b, 0, c, 0, m, k, n);
  for (const size of [64, 256, 512, 1024]) {
    const shape: Shape3 = [size, size, size];
    const { a, b } = inputs(shape);
    const c = new Float64Array(size * size);
    const row = [naiveIjk, plainIkj, blocked].map((f) => gflops(shape, secondsPerCall(() => {
      c.fill(0);
      f(a, b, c, size, size, size);
    }, flopsOf(shape) * 8)));
    console.log(`${size}x${size}: naive i-j-k ${row[0]}  plain i-k-j ${row[1]}  blocked ${row[2]} GFLOP/s`);
  }
}

/** One thread against all (gemm_threads.ts): products and row sums, and sizes around PARALLEL_MIN_MACS. */
async function threads(): Promise<void> {
  const shapes: Shape3[] = [[8192, 256, 64], [1024, 1024, 1024], [2048, 256, 64], [1024, 256, 64], [512, 256, 64], [256, 256, 64], [128, 256, 64], [256, 64, 64]];
  const one = createWasmGemm({ threads: 1 });
  const all = createWasmGemm();
  if (one === null || all === null) throw new Error('no WebAssembly SIMD128 on this runtime');
  // A worker starts once the event loop turns (~50 ms); until then the caller runs its share. Measure after.
  const warm = inputs([8192, 256, 64]);
  all.gemm(warm.a, [0], warm.b, [0], warm.out, 8192, 256, 64);
  await new Promise((resolve) => setTimeout(resolve, 200));
  console.log(`shape                      MACs        1 thread  all threads (${defaultThreadCount()})  (GFLOP/s; PARALLEL_MIN_MACS ${PARALLEL_MIN_MACS})`);
  for (const shape of shapes) {
    const { a, b, out } = inputs(shape);
    const [m, k, n] = shape;
    const row = [one, all].map((g) => gflops(shape, secondsPerCall(wasmCall(g, shape, a, b, out), flopsOf(shape))).padStart(8));
    console.log(`${label(shape).padEnd(26)} ${String(m * k * n).padStart(10)}  ${row[0]}  ${row[1]}`);
  }
  const shape: Shape3 = [8192, 256, 64];
  const { a, b } = inputs(shape);
  const bias = new Float32Array(64).fill(0.1);
  const sums = new Float32Array(8192);
  const row = [one, all].map((g) => gflops(shape, secondsPerCall(() => g.rowSums(a, b, bias, true, sums, ...shape), flopsOf(shape))).padStart(8));
  console.log(`${`${label(shape)} row sums`.padEnd(26)} ${String(8192 * 256 * 64).padStart(10)}  ${row[0]}  ${row[1]}`);
}

const mode = process.argv[2] ?? '';
const modes: Readonly<Record<string, () => void | Promise<void>>> = { '': mainTable, '--tiles': tiles, '--blocks': blocks, '--crossover': crossover, '--js-loops': jsLoops, '--threads': threads };
const run = modes[mode];
if (run === undefined) throw new Error(`unknown mode ${mode}; expected one of ${Object.keys(modes).filter(Boolean).join(', ')}`);
void run();
