import type { WasmGemm } from './gemm_f32';
import { blockRows, buildGemmModule, GemmTile, PACK_B_EXPORT } from './gemm_module';
import { ROW_SUM_EPILOGUES, RowSumEpilogue } from './row_sum_module';
import { align16, copyOut, Scratch } from './scratch';
import { SPAN_EXPORT, spanSumExport } from './span_module';
import { wasmApi, WasmMemory } from './wasm_api';
import { WasmThreads } from './wasm_threads';

/**
 * Products of fewer multiply-adds than this run on the calling thread alone: below it, waking a worker costs
 * more than half the product saves. matmul.bench.ts --threads, GFLOP/s with 1 and 2 threads: [256,64]·[64,64]
 * (1M) 47 and 46; [128,256]·[256,64] (2M) 49 and 54; [256,256]·[256,64] (4M) 50 and 79; [8192,256]·[256,64]
 * 45 and 67 (70 for its row sums); 1024^3 50 and 88. That is on a quiet machine: with another process busy on
 * the second core a split gains nothing, and WEIR_KERNEL_THREADS=1 turns it off.
 */
export const PARALLEL_MIN_MACS = 1 << 21;

/** Row blocks (A_BLOCK_BYTES of A each) in one chunk of the rows past the caller's share: ~1000 rows at k = 256. */
const CHUNK_BLOCKS = 4;

/** The shared memory's maximum, in pages (1 GiB: MAX_SCRATCH_BYTES); only address space until it grows. */
const MAX_PAGES = 16384;

type PackFn = (src: number, dst: number, k: number, n: number, n4: number) => void;

/**
 * A WasmGemm that splits big products by rows across `threads` threads (the caller and workers, wasm_threads.ts)
 * over one shared memory: the caller copies A and B in and packs B, each thread runs `span` or `span_sum*`
 * (span_module.ts) over its rows, the caller copies the result out. Every row is computed as `serial` computes
 * it, so the bits are the same however the rows are split. Products under PARALLEL_MIN_MACS, and any call the
 * shared memory cannot hold, go to `serial`. Null where there are no workers to be had (one core, no shared
 * WebAssembly memory or no worker_threads).
 *
 * ```ts
 * const g = threadedGemm(createWasmGemm()!, GEMM_TILE, 2); // null on a machine with one core
 * ```
 */
export function threadedGemm(serial: WasmGemm, tile: GemmTile, threads: number, aBlockBytes: number): WasmGemm | null {
  const api = wasmApi();
  if (api === null || threads < 2) return null;
  let memory: WasmMemory;
  let pool: WasmThreads;
  try {
    memory = new api.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    pool = new WasmThreads(buildGemmModule(tile, { module: 'env', name: 'memory', initial: 16, maximum: MAX_PAGES, shared: true }), memory, { threads });
  } catch {
    return null;
  }
  if (pool.threads < 2) {
    void pool.close();
    return null;
  }
  const scratch = new Scratch(memory);
  const packB = pool.exports[PACK_B_EXPORT] as PackFn;

  /**
   * The caller's rows, its 1/threads share, then the rest in chunks of CHUNK_BLOCKS row blocks, which the
   * workers (and the caller, once its share is done) claim one at a time: a worker that is slow (its core
   * busy with another process) holds up the call by one chunk at most. Row counts are multiples of the tile's
   * rows but the last. Null if the product is too small to split.
   */
  const spans = (m: number, k: number, n: number, mc: number): [number, number][] | null => {
    if (m * k * n < PARALLEL_MIN_MACS || m < 2 * tile.mr) return null;
    const mine = Math.ceil(m / pool.threads / tile.mr) * tile.mr;
    const out: [number, number][] = [[0, mine]];
    for (let r0 = mine; r0 < m; r0 += CHUNK_BLOCKS * mc) out.push([r0, Math.min(CHUNK_BLOCKS * mc, m - r0)]);
    return out;
  };
  /** B raw at 0 (+16: pack_b reads past a row's end), B packed, then `rest` bytes; their offsets, or null. */
  const loadB = (b: Float32Array, from: number, k: number, n: number, n4: number, rest: number): number | null => {
    const bPacked = align16(4 * k * n) + 16;
    const end = bPacked + align16(4 * k * n4);
    if (!scratch.reserve(end + rest)) return null;
    scratch.heap.set(b.subarray(from, from + k * n), 0);
    packB(0, bPacked, k, n, n4);
    return bPacked;
  };

  type SpanFn = (...args: number[]) => void;
  const span = pool.exports[SPAN_EXPORT] as SpanFn;
  const spanSum = new Map(ROW_SUM_EPILOGUES.map((e) => [e, pool.exports[spanSumExport(e)] as SpanFn]));

  /**
   * Copies the rows of A the workers take (all but the caller's first span) into `aAt`, then runs their
   * spans while the caller runs its own block by block, each block copied into `callerA` just before use,
   * so it is in the caller's cache (copying all of A first left the caller's rows cold: 3.6 ms a call
   * against ~3.0). `job(s, r0, rows, aRows)` is span s's arguments with its A at `aRows`; `mine(i0, rows)`
   * runs the caller's block at `callerA`.
   */
  const split2 = (a: Float32Array, aFrom: number, k: number, split: readonly [number, number][], aAt: number, exportName: string, job: (s: number, r0: number, rows: number, aRows: number) => number[], callerA: number, mc: number, mine: (i0: number, rows: number) => void): void => {
    const r1 = split[0][1];
    scratch.heap.set(a.subarray(aFrom + r1 * k, aFrom + split[split.length - 1][0] * k + split[split.length - 1][1] * k), aAt / 4);
    const jobs = split.slice(1).map(([r0, rows], i) => job(i + 1, r0, rows, aAt + 4 * (r0 - r1) * k));
    pool.run(exportName, jobs, () => {
      for (let i0 = 0; i0 < r1; i0 += mc) {
        const rows = Math.min(mc, r1 - i0);
        scratch.heap.set(a.subarray(aFrom + i0 * k, aFrom + (i0 + rows) * k), callerA / 4);
        mine(i0, rows);
      }
    });
  };

  return {
    fusedMultiplyAdd: serial.fusedMultiplyAdd,
    gemm(a, aOffsets, b, bOffsets, out, m, k, n) {
      const mc = blockRows(m, k, tile, aBlockBytes);
      const split = spans(m, k, n, mc);
      if (split === null) return serial.gemm(a, aOffsets, b, bOffsets, out, m, k, n);
      pool.wake(); // the workers spin while the inputs are copied in
      const n4 = Math.ceil(n / 4) * 4;
      // After B: the workers' rows of A, the caller's block of A, all of C.
      const aBytes = align16(4 * (m - split[0][1]) * k);
      const callerBytes = align16(4 * mc * k);
      for (let t = 0; t < aOffsets.length; t++) {
        const bPacked = loadB(b, bOffsets[t], k, n, n4, aBytes + callerBytes + 4 * m * n4);
        // The sizes are the same for every t, so only the first can fail, before anything is written.
        if (bPacked === null) return serial.gemm(a, aOffsets, b, bOffsets, out, m, k, n);
        const aAt = bPacked + align16(4 * k * n4);
        const callerA = aAt + aBytes;
        const cAt = callerA + callerBytes;
        split2(a, aOffsets[t], k, split, aAt, SPAN_EXPORT, (_, r0, rows, aRows) => [aRows, bPacked, cAt + 4 * r0 * n4, rows, k, n4, mc], callerA, mc,
          (i0, rows) => span(callerA, bPacked, cAt + 4 * i0 * n4, rows, k, n4, mc));
        copyOut(scratch.heap, cAt / 4, m, n, n4, out, t * m * n);
      }
      return true;
    },
    rowSums(a, b, bias, relu, out, m, k, n) {
      const mc = blockRows(m, k, tile, aBlockBytes);
      const split = spans(m, k, n, mc);
      if (split === null) return serial.rowSums(a, b, bias, relu, out, m, k, n);
      pool.wake();
      const n4 = Math.ceil(n / 4) * 4;
      const cBlockBytes = align16(4 * mc * n4);
      // After B: the bias, the workers' rows of A, the caller's block of A, a C block per span (chunks may run
      // at once), the sums.
      const biasBytes = align16(4 * n);
      const aBytes = align16(4 * (m - split[0][1]) * k);
      const callerBytes = align16(4 * mc * k);
      const bPacked = loadB(b, 0, k, n, n4, biasBytes + aBytes + callerBytes + split.length * cBlockBytes + 4 * m);
      if (bPacked === null) return serial.rowSums(a, b, bias, relu, out, m, k, n);
      const biasAt = bPacked + align16(4 * k * n4);
      const aAt = biasAt + biasBytes;
      const callerA = aAt + aBytes;
      const cAt = callerA + callerBytes;
      const sumsAt = cAt + split.length * cBlockBytes;
      if (bias !== null) scratch.heap.set(bias.subarray(0, n), biasAt / 4);
      const e = ROW_SUM_EPILOGUES.find((x) => x.bias === (bias !== null) && x.relu === relu) as RowSumEpilogue;
      const sum = spanSum.get(e) as SpanFn;
      split2(a, 0, k, split, aAt, spanSumExport(e), (s, r0, rows, aRows) => [aRows, bPacked, cAt + s * cBlockBytes, rows, k, n, n4, mc, biasAt, sumsAt + 4 * r0], callerA, mc,
        (i0, rows) => sum(callerA, bPacked, cAt, rows, k, n, n4, mc, biasAt, sumsAt + 4 * i0));
      out.set(scratch.heap.subarray(sumsAt / 4, sumsAt / 4 + m), 0);
      return true;
    },
  };
}
