import type { Shape, TypedArray } from '@weir/dataflow';
import { broadcastOffsets, Readable } from './broadcast_impl';
import { wasmGemm } from './wasm/gemm_f32';

/**
 * Tile sizes of the blocked matmul. A `K x J` tile of `b` (128 x 128 elements, 64-128 KiB) stays in L2
 * while every row of an `I`-row block of `a` streams over it. In V8 the exact tile shape matters little
 * (1024x1024 float32: within 10% for shapes from 8x256x256 to 128x64x1024); what pays is visiting `b` row
 * by row (the textbook i-j-k loop falls from ~1.05 to ~0.35 GFLOP/s at 1024) and updating four rows of `c`
 * per load of `b` (~2.1 GFLOP/s at every size). Figures: src/bench/matmul.bench.ts --js-loops on a 2-core
 * CI machine. Big float32 products skip these loops for WebAssembly (see {@link WASM_MATMUL_MIN_MACS}).
 */
export const MATMUL_BLOCK = { i: 64, k: 128, j: 128 } as const;

/**
 * `c += a · b` for one `[m,k] x [k,n]` float product, row-major from the given offsets, accumulated in
 * double precision. Cache-tiled (see {@link MATMUL_BLOCK}) with an i-k-j order inside each tile, so the
 * innermost loop runs along rows of `b` and `c`; rows of `c` are done four at a time to reuse each load of
 * `b`. No term is skipped when an element of `a` is 0: 0 * NaN and 0 * Infinity must still give NaN.
 *
 * ```ts
 * const c = new Float64Array(4);
 * gemmImpl([1, 2, 3, 4], 0, [5, 6, 7, 8], 0, c, 0, 2, 2, 2); // c: [19, 22, 43, 50]
 * ```
 */
export function gemmImpl(
  a: Readable, aOff: number, b: Readable, bOff: number, c: Float64Array, cOff: number, m: number, k: number, n: number,
): void {
  const { i: BI, k: BK, j: BJ } = MATMUL_BLOCK;
  for (let j0 = 0; j0 < n; j0 += BJ) {
    const jEnd = Math.min(j0 + BJ, n);
    for (let k0 = 0; k0 < k; k0 += BK) {
      const kEnd = Math.min(k0 + BK, k);
      for (let i0 = 0; i0 < m; i0 += BI) {
        floatTile(a, aOff, b, bOff, c, cOff, k, n, i0, Math.min(i0 + BI, m), k0, kEnd, j0, jEnd);
      }
    }
  }
}

// Top-level functions with everything passed in: V8 keeps arguments in registers, which it does not do
// for variables a closure captures.
function floatTile(
  a: Readable, aOff: number, b: Readable, bOff: number, c: Float64Array, cOff: number, k: number, n: number,
  i0: number, iEnd: number, k0: number, kEnd: number, j0: number, jEnd: number,
): void {
  let i = i0;
  for (; i + 3 < iEnd; i += 4) {
    const a0 = aOff + i * k;
    const c0 = cOff + i * n;
    for (let p = k0; p < kEnd; p++) {
      const x0 = a[a0 + p];
      const x1 = a[a0 + k + p];
      const x2 = a[a0 + 2 * k + p];
      const x3 = a[a0 + 3 * k + p];
      const bRow = bOff + p * n;
      for (let j = j0; j < jEnd; j++) {
        const y = b[bRow + j];
        c[c0 + j] += x0 * y;
        c[c0 + n + j] += x1 * y;
        c[c0 + 2 * n + j] += x2 * y;
        c[c0 + 3 * n + j] += x3 * y;
      }
    }
  }
  for (; i < iEnd; i++) {
    const aRow = aOff + i * k;
    const cRow = cOff + i * n;
    for (let p = k0; p < kEnd; p++) {
      const x = a[aRow + p];
      const bRow = bOff + p * n;
      for (let j = j0; j < jEnd; j++) c[cRow + j] += x * b[bRow + j];
    }
  }
}

/**
 * The integer twin of {@link gemmImpl}: `c += a · b` modulo 2^32 (Math.imul and `| 0`), as int32 matmul
 * wraps; a double would lose the low bits of products past 2^53.
 *
 * ```ts
 * const c = new Int32Array(1);
 * gemmIntImpl([65536], 0, [65536], 0, c, 0, 1, 1, 1); // c: [0]
 * ```
 */
export function gemmIntImpl(
  a: Readable, aOff: number, b: Readable, bOff: number, c: Int32Array, cOff: number, m: number, k: number, n: number,
): void {
  const { i: BI, k: BK, j: BJ } = MATMUL_BLOCK;
  for (let j0 = 0; j0 < n; j0 += BJ) {
    const jEnd = Math.min(j0 + BJ, n);
    for (let k0 = 0; k0 < k; k0 += BK) {
      const kEnd = Math.min(k0 + BK, k);
      for (let i0 = 0; i0 < m; i0 += BI) {
        intTile(a, aOff, b, bOff, c, cOff, k, n, i0, Math.min(i0 + BI, m), k0, kEnd, j0, jEnd);
      }
    }
  }
}

function intTile(
  a: Readable, aOff: number, b: Readable, bOff: number, c: Int32Array, cOff: number, k: number, n: number,
  i0: number, iEnd: number, k0: number, kEnd: number, j0: number, jEnd: number,
): void {
  for (let i = i0; i < iEnd; i++) {
    const aRow = aOff + i * k;
    const cRow = cOff + i * n;
    for (let p = k0; p < kEnd; p++) {
      const x = a[aRow + p];
      const bRow = bOff + p * n;
      for (let j = j0; j < jEnd; j++) c[cRow + j] = (c[cRow + j] + Math.imul(x, b[bRow + j])) | 0;
    }
  }
}

/**
 * Products of at least this many multiply-adds (`m·k·n`) go to the WebAssembly float32 GEMM when `a`, `b`
 * and `out` are all Float32Array. A call into it costs ~0.2 µs, about what the JS loop needs for a tiny
 * product, so below this the two are even and JS keeps its double accumulator. Per call (src/bench/
 * matmul.bench.ts --crossover): [1,1]·[1,1] 0.18 µs either way; [4,4]·[4,4] 0.23 vs 0.25 µs in JS;
 * [8,8]·[8,8] 0.27 vs 0.70; [1,256]·[256,64] (a record through a dense layer) 4.6 vs 33 µs.
 */
export const WASM_MATMUL_MIN_MACS = 32;

/**
 * NumPy's matmul into `out`: 2-D, batched with the leading dimensions broadcast, and 1-D operands as a row
 * (`a`) or column (`b`) vector. `integer` (an int32 or uint8 output) accumulates modulo 2^32 and lets the
 * store narrow. A float32 product of float32 inputs of at least {@link WASM_MATMUL_MIN_MACS} multiply-adds
 * runs in WebAssembly SIMD and accumulates in float32 (about 15x the JS loop; see wasm/gemm_f32.ts);
 * every other float product accumulates in double precision and rounds once.
 *
 * ```ts
 * const out = new Float32Array(1);
 * matmulImpl([1, 2], [2], [3, 4], [2], out, false); // out: [11]
 * ```
 */
export function matmulImpl(a: Readable, aShape: Shape, b: Readable, bShape: Shape, out: TypedArray, integer: boolean): void {
  const as = aShape.length === 1 ? [1, aShape[0]] : aShape;
  const bs = bShape.length === 1 ? [bShape[0], 1] : bShape;
  const m = as[as.length - 2];
  const k = as[as.length - 1];
  const n = bs[bs.length - 1];
  const aBatch = as.slice(0, -2);
  const bBatch = bs.slice(0, -2);
  const rank = Math.max(aBatch.length, bBatch.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = i < rank - aBatch.length ? 1 : aBatch[i - (rank - aBatch.length)];
    const db = i < rank - bBatch.length ? 1 : bBatch[i - (rank - bBatch.length)];
    batch.push(da === 1 ? db : da);
  }
  const mn = m * n;
  if (mn === 0) return;
  const aOffsets = broadcastOffsets(aBatch, batch);
  const bOffsets = broadcastOffsets(bBatch, batch);
  if (out instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array && m * k * n >= WASM_MATMUL_MIN_MACS) {
    const wasm = wasmGemm(); // null without WebAssembly SIMD128; false when the scratch memory cannot grow
    if (wasm !== null && wasm.gemm(a, Array.from(aOffsets, (o) => o * m * k), b, Array.from(bOffsets, (o) => o * k * n), out, m, k, n)) return;
  }
  if (integer) {
    const acc = new Int32Array(mn);
    for (let t = 0; t < aOffsets.length; t++) {
      acc.fill(0);
      gemmIntImpl(a, aOffsets[t] * m * k, b, bOffsets[t] * k * n, acc, 0, m, k, n);
      out.set(acc, t * mn);
    }
    return;
  }
  // A float64 output accumulates in place; float32 goes through one double-precision scratch tile.
  const direct = out instanceof Float64Array ? out : null;
  const scratch = direct === null ? new Float64Array(mn) : null;
  for (let t = 0; t < aOffsets.length; t++) {
    const acc = direct !== null ? direct.subarray(t * mn, (t + 1) * mn) : (scratch as Float64Array);
    acc.fill(0); // `out` may be a reused buffer
    gemmImpl(a, aOffsets[t] * m * k, b, bOffsets[t] * k * n, acc, 0, m, k, n);
    if (acc === scratch) out.set(scratch, t * mn);
  }
}
