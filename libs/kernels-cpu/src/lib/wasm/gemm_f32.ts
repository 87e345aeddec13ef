import { blockRows, buildGemmModule, GEMM_TILE, GEMM_TILE_FMA, GemmTile, PACK_B_EXPORT, rowsExport } from './gemm_module';
import { threadedGemm } from './gemm_threads';
import { relaxedSimd } from './relaxed_simd';
import { ROW_SUM_EPILOGUES, rowSumExport } from './row_sum_module';
import { align16, copyOut, Scratch } from './scratch';
import { wasmApi, WasmApi, WasmMemory } from './wasm_api';
import { defaultThreadCount } from './wasm_threads';

/** A float32 GEMM in WebAssembly; see {@link createWasmGemm}. */
export interface WasmGemm {
  /**
   * Whether each multiply-add rounds once (`c = fround(c + a·b)`, a fused multiply-add) rather than twice
   * (`c = fround(c + fround(a·b))`). Either way every element is summed in k order, so the bits depend on
   * this and on nothing else (not on m, the blocking or the batch).
   */
  readonly fusedMultiplyAdd: boolean;
  /**
   * `out[t] = a[t] · b[t]` for each batch `t`: `a` read as `[m, k]` from `aOffsets[t]`, `b` as `[k, n]` from
   * `bOffsets[t]` (element offsets), `out` written as `[m, n]` at `t·m·n`. Accumulates in f32. Returns false,
   * having written nothing, if the scratch memory cannot grow to what the shape needs (the caller falls
   * back to JS).
   */
  gemm(a: Float32Array, aOffsets: ArrayLike<number>, b: Float32Array, bOffsets: ArrayLike<number>, out: Float32Array, m: number, k: number, n: number): boolean;
  /**
   * `out[i] = f32(Σ_j f64(v_ij))` over the `m` rows of `C = a · b` (`a` `[m, k]`, `b` `[k, n]`, both from
   * element 0), with `v_ij = C[i, j]`, plus `bias[j]` (if given) in float32, then relu (if `relu`): the
   * row-sum epilogue (row_sum_module.ts). C is never written outside the scratch memory. Returns false,
   * having written nothing, where `gemm` would.
   */
  rowSums(a: Float32Array, b: Float32Array, bias: Float32Array | null, relu: boolean, out: Float32Array, m: number, k: number, n: number): boolean;
}

/**
 * Rows of A copied in per call of the kernel: a block of about this many bytes stays in L2 (2 MiB a core
 * here) while every panel of B passes over it. From 64 KiB to 1 MiB all sizes are within 3% at
 * [8192,256]·[256,64] and 1024^3 (~30-32 GFLOP/s); 8 MiB loses ~5%. Figures: src/bench/matmul.bench.ts --blocks.
 */
export const A_BLOCK_BYTES = 256 * 1024;

type RowsFn = (a: number, b: number, c: number, m: number, k: number, lda: number, ldc: number) => void;
type PackFn = (src: number, dst: number, k: number, n: number, n4: number) => void;
type RowSumFn = (c: number, ldc: number, rows: number, n: number, bias: number, sums: number) => void;

let shared: WasmGemm | null | undefined;

/**
 * The process's float32 WebAssembly GEMM, built on first use; null where WebAssembly or SIMD128 is missing.
 * One scratch memory serves every call: kernels run synchronously on one thread, so calls never overlap
 * (each worker thread has its own module instance).
 *
 * ```ts
 * const g = wasmGemm();
 * const out = new Float32Array(4);
 * g?.gemm(Float32Array.of(1, 2, 3, 4), [0], Float32Array.of(5, 6, 7, 8), [0], out, 2, 2, 2); // out: [19, 22, 43, 50]
 * ```
 */
export function wasmGemm(): WasmGemm | null {
  if (shared === undefined) shared = createWasmGemm();
  return shared;
}

/** Choices for {@link createWasmGemm}; the defaults are what the kernel uses. */
export interface WasmGemmOptions {
  /** The scratch memory (a fresh one if omitted). With one given, products are not split across threads. */
  readonly memory?: WasmMemory;
  /** By default GEMM_TILE_FMA where relaxed SIMD's multiply-add is fused on this CPU, else GEMM_TILE. */
  readonly tile?: GemmTile;
  readonly aBlockBytes?: number;
  /**
   * Threads a big product is split across, the caller included (gemm_threads.ts). Default: the
   * `WEIR_KERNEL_THREADS` environment variable, else one a core (defaultThreadCount); 1 keeps every product
   * on the calling thread.
   */
  readonly threads?: number;
}

/** Set to a whole number to fix how many threads a big product uses; 1 turns worker threads off. */
export const KERNEL_THREADS_ENV = 'WEIR_KERNEL_THREADS';

function kernelThreads(): number {
  const env = typeof process === 'undefined' ? undefined : process.env[KERNEL_THREADS_ENV];
  const n = env === undefined ? NaN : Number(env);
  return Number.isInteger(n) && n >= 1 ? n : defaultThreadCount();
}

/**
 * With a fused multiply-add, products of fewer rows than GEMM_TILE_FMA's take this 16-wide tile: for one row
 * the cost is copying and packing B, which 16-wide panels do in half the steps of 8-wide ones
 * ([1,256]·[256,64]: 6.9 GFLOP/s against 5.0, matmul.bench.ts --tiles), so eager's per-record products lose
 * nothing. Both tiles fuse, so the bits are the same whichever runs.
 */
const FEW_ROWS_TILE_FMA: GemmTile = { ...GEMM_TILE, fma: true };

/**
 * A new instance of the GEMM module; null if the runtime cannot compile it (no WebAssembly or no SIMD128).
 * Without a `tile`, the fastest for this runtime and CPU (GEMM_TILE_FMA, or GEMM_TILE without a fused
 * multiply-add), with a 16-wide companion for products of few rows.
 *
 * ```ts
 * const g = createWasmGemm({ tile: { mr: 4, nv: 2, unroll: 1 } }); // null on a runtime without SIMD128
 * ```
 */
export function createWasmGemm(options: WasmGemmOptions = {}): WasmGemm | null {
  const api = wasmApi();
  if (api === null) return null;
  const relaxed = relaxedSimd(api);
  const threads = options.threads ?? kernelThreads();
  /** `tile`'s GEMM, split across threads for big products where there are threads to be had. */
  const withThreads = (tile: GemmTile, fused: boolean): WasmGemm | null => {
    const serial = gemmWithTile(api, tile, fused, options);
    if (serial === null || threads < 2 || options.memory !== undefined) return serial;
    return threadedGemm(serial, tile, threads, options.aBlockBytes ?? A_BLOCK_BYTES) ?? serial;
  };
  if (options.tile !== undefined) return withThreads(options.tile, relaxed?.fused === true);
  if (relaxed?.fused !== true) return withThreads(GEMM_TILE, false);
  const many = withThreads(GEMM_TILE_FMA, true);
  // Products of fewer rows than a tile never split.
  const few = gemmWithTile(api, FEW_ROWS_TILE_FMA, true, options);
  if (many === null || few === null) return withThreads(GEMM_TILE, false);
  return {
    fusedMultiplyAdd: true,
    gemm: (a, aOffsets, b, bOffsets, out, m, k, n) => (m < GEMM_TILE_FMA.mr ? few : many).gemm(a, aOffsets, b, bOffsets, out, m, k, n),
    rowSums: (a, b, bias, relu, out, m, k, n) => (m < GEMM_TILE_FMA.mr ? few : many).rowSums(a, b, bias, relu, out, m, k, n),
  };
}

/** One module instance for `tile`; `fused`: relaxed SIMD's multiply-add rounds once here. */
function gemmWithTile(api: WasmApi, tile: GemmTile, fused: boolean, options: WasmGemmOptions): WasmGemm | null {
  const { memory, aBlockBytes = A_BLOCK_BYTES } = options;
  let instance;
  let mem: WasmMemory;
  try {
    const bytes = buildGemmModule(tile);
    if (!api.validate(bytes)) return null; // no SIMD128 (or no WebAssembly worth the name)
    mem = memory ?? new api.Memory({ initial: 16 });
    instance = new api.Instance(new api.Module(bytes), { env: { memory: mem } });
  } catch {
    return null;
  }
  const rows = Array.from({ length: tile.nv }, (_, w) => instance.exports[rowsExport(w + 1)] as RowsFn);
  const packB = instance.exports[PACK_B_EXPORT] as PackFn;
  const nr = 4 * tile.nv;
  const scratch = new Scratch(mem);
  const reserve = (bytes: number): boolean => scratch.reserve(bytes);

  const rowSum = new Map(ROW_SUM_EPILOGUES.map((e) => [`${e.bias}/${e.relu}`, instance.exports[rowSumExport(e)] as RowSumFn]));

  /**
   * Scratch layout, in bytes, every region 16-aligned: B as given (+16 bytes, as pack_b reads up to 12 past
   * the end of a row), B packed, a block of A, the matching block of C, then `extra` bytes. Null if the
   * memory cannot grow to it.
   */
  const layout = (m: number, k: number, n: number, extra: number): Layout | null => {
    const n4 = Math.ceil(n / 4) * 4; // C's rows padded to whole vectors; the padding is never read back
    const mc = blockRows(m, k, tile, aBlockBytes);
    const bRaw = 0;
    const bPacked = bRaw + align16(4 * k * n) + 16;
    const aBlock = bPacked + 4 * k * n4;
    const cBlock = aBlock + align16(4 * mc * k);
    const end = cBlock + align16(4 * mc * n4);
    return reserve(end + extra) ? { n4, mc, bRaw, bPacked, aBlock, cBlock, end } : null;
  };
  const loadB = (L: Layout, b: Float32Array, from: number, k: number, n: number): void => {
    scratch.heap.set(b.subarray(from, from + k * n), L.bRaw / 4);
    packB(L.bRaw, L.bPacked, k, n, L.n4);
  };
  /** C's block for `rowCount` rows of A from element `aStart`, into L.cBlock. */
  const blockProduct = (L: Layout, a: Float32Array, aStart: number, rowCount: number, k: number): void => {
    scratch.heap.set(a.subarray(aStart, aStart + rowCount * k), L.aBlock / 4);
    for (let j0 = 0; j0 < L.n4; j0 += nr) {
      const width = Math.min(nr, L.n4 - j0) / 4;
      rows[width - 1](L.aBlock, L.bPacked + 4 * j0 * k, L.cBlock + 4 * j0, rowCount, k, 4 * k, 4 * L.n4);
    }
  };

  return {
    fusedMultiplyAdd: tile.fma === true && fused,
    gemm(a, aOffsets, b, bOffsets, out, m, k, n) {
      const L = layout(m, k, n, 0);
      if (L === null) return false;
      const mn = m * n;
      for (let t = 0; t < aOffsets.length; t++) {
        if (t === 0 || bOffsets[t] !== bOffsets[t - 1]) loadB(L, b, bOffsets[t], k, n);
        for (let i0 = 0; i0 < m; i0 += L.mc) {
          const rowCount = Math.min(L.mc, m - i0);
          blockProduct(L, a, aOffsets[t] + i0 * k, rowCount, k);
          copyOut(scratch.heap, L.cBlock / 4, rowCount, n, L.n4, out, t * mn + i0 * n);
        }
      }
      return true;
    },
    rowSums(a, b, bias, relu, out, m, k, n) {
      // After the layout: the bias, then the block's sums.
      const L = layout(m, k, n, align16(4 * n) + 4 * m);
      if (L === null) return false;
      const biasAt = L.end;
      const sumsAt = biasAt + align16(4 * n);
      const epilogue = rowSum.get(`${bias !== null}/${relu}`) as RowSumFn;
      if (bias !== null) scratch.heap.set(bias.subarray(0, n), biasAt / 4);
      loadB(L, b, 0, k, n);
      for (let i0 = 0; i0 < m; i0 += L.mc) {
        const rowCount = Math.min(L.mc, m - i0);
        blockProduct(L, a, i0 * k, rowCount, k);
        epilogue(L.cBlock, 4 * L.n4, rowCount, n, biasAt, sumsAt);
        out.set(scratch.heap.subarray(sumsAt / 4, sumsAt / 4 + rowCount), i0);
      }
      return true;
    },
  };
}

interface Layout {
  readonly n4: number;
  readonly mc: number;
  readonly bRaw: number;
  readonly bPacked: number;
  readonly aBlock: number;
  readonly cBlock: number;
  readonly end: number;
}
