import type { WasmGemm } from './gemm_f32';
import { blockRows, buildGemmModule, GemmTile, PACK_B_EXPORT } from './gemm_module';
import { ROW_SUM_EPILOGUES, RowSumEpilogue } from './row_sum_module';
import { takeCallerWork } from '../caller-work';
import { align16, copyOut, Scratch } from './scratch';
import { SPAN_EXPORT, spanSumExport } from './span_module';
import { wasmApi, WasmMemory } from './wasm_api';
import { WasmThreads } from './wasm_threads';

/**
 * Products of fewer multiply-adds than this run on the calling thread alone: below it, waking a worker costs
 * more than half the product saves. matmul.bench.ts --threads, GFLOP/s with 1 and 2 threads: [256,64]·[64,64]
 * (1M) 46 and 46; [128,256]·[256,64] (2M) 49 and 50; [256,256]·[256,64] (4M) 50 and 74; [8192,256]·[256,64]
 * 47 and 75 (79 for its row sums); 1024^3 50 and 86. That is on a quiet machine: with another process busy on
 * the second core a split gains nothing, and WEIR_KERNEL_THREADS=1 turns it off.
 */
export const PARALLEL_MIN_MACS = 1 << 21;

/**
 * Row blocks (A_BLOCK_BYTES of A each) in a chunk at most: 512 rows at k = 256. The dense benchmark's
 * [8192,256]·[256,64] row sums: 3.9 ms a call in chunks of 4 blocks, 3.7 in chunks of 2 or 1.
 */
const CHUNK_BLOCKS = 2;
/**
 * Chunks per thread, where the product is big enough for chunks of JOB_MIN_MACS: a thread that finishes
 * its last chunk early waits at most a chunk's time for the others (1024^3: 80 GFLOP/s with 4 a thread, 85
 * with 8). A chunk of fewer multiply-adds than JOB_MIN_MACS (~20 µs) costs more to hand over than it
 * balances ([256,256]·[256,64]: 62 GFLOP/s in chunks of 24 rows, 72 in chunks of 64).
 */
const CHUNKS_PER_THREAD = 8;
const JOB_MIN_MACS = 1 << 20;

/** The shared memory's maximum, in pages (1 GiB: MAX_SCRATCH_BYTES); only address space until it grows. */
const MAX_PAGES = 16384;

type PackFn = (src: number, dst: number, k: number, n: number, n4: number) => void;

/**
 * A WasmGemm that splits big products by rows across `threads` threads (the caller and workers, wasm_threads.ts)
 * over one shared memory: the caller copies B in and packs it; the rows go in chunks, a staged run
 * (`WasmThreads.runStaged`): the caller copies each worker's chunk of A in just ahead of it (only the caller
 * can read `a`) and computes chunks from the other end itself, so its copying is balanced against the
 * workers' computing. Each chunk runs `span` or `span_sum*` (span_module.ts); the caller copies the result
 * out. Every row is computed as `serial` computes it, so the bits are the same however the rows are split.
 * Products under PARALLEL_MIN_MACS, any call the shared memory cannot hold, and any call made from inside a
 * run of this pool go to `serial`. Null where there are no workers to be had (one core, no shared
 * WebAssembly memory or no worker_threads).
 *
 * ```ts
 * const g = threadedGemm(createWasmGemm()!, GEMM_TILE, 2, A_BLOCK_BYTES); // null on a machine with one core
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
   * The rows in chunks, [first row, rows] each: the jobs of a staged run. Row counts are multiples of the
   * tile's rows but the last. Null if the product is too small to split.
   */
  const chunks = (m: number, k: number, n: number, mc: number): [number, number][] | null => {
    if (m * k * n < PARALLEL_MIN_MACS || m < 2 * tile.mr) return null;
    const out: [number, number][] = [];
    const wanted = Math.max(Math.ceil(m / (CHUNKS_PER_THREAD * pool.threads)), Math.ceil(JOB_MIN_MACS / (k * n)));
    const rows = Math.min(CHUNK_BLOCKS * mc, Math.ceil(wanted / tile.mr) * tile.mr);
    for (let r0 = 0; r0 < m; r0 += rows) out.push([r0, Math.min(rows, m - r0)]);
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
   * One staged run over the chunks: a worker's chunk has its rows of A copied to `aAt` + its first row, and
   * `job(j, r0, rows, aRows)` are the export's arguments for it. The caller's own chunks (from the back) go
   * block by block, each block copied into `callerA` just before `mine(i0, rows)` runs it there, so it is in
   * the caller's cache (copying all of A first left the caller's rows cold: 3.6 ms a call against ~3.0).
   * The dense benchmark's row sums went from 3.9-4.0 ms a call (the caller copied all the workers' rows
   * before any started, then ran half the rows) to 3.7.
   */
  const staged = (a: Float32Array, aFrom: number, k: number, split: readonly [number, number][], aAt: number, exportName: string, job: (j: number, r0: number, rows: number, aRows: number) => number[], callerA: number, mc: number, mine: (i0: number, rows: number) => void): void => {
    const rowsOf = (i0: number, rows: number): Float32Array => a.subarray(aFrom + i0 * k, aFrom + (i0 + rows) * k);
    pool.runStaged(
      exportName,
      split.map(([r0, rows], j) => job(j, r0, rows, aAt + 4 * r0 * k)),
      (j) => scratch.heap.set(rowsOf(split[j][0], split[j][1]), aAt / 4 + split[j][0] * k),
      (j, feed) => {
        const [r0, rows] = split[j];
        for (let i0 = r0; i0 < r0 + rows; i0 += mc) {
          feed();
          const count = Math.min(mc, r0 + rows - i0);
          scratch.heap.set(rowsOf(i0, count), callerA / 4);
          mine(i0, count);
        }
      },
      takeCallerWork() ?? undefined,
    );
  };

  return {
    fusedMultiplyAdd: serial.fusedMultiplyAdd,
    gemm(a, aOffsets, b, bOffsets, out, m, k, n) {
      const mc = blockRows(m, k, tile, aBlockBytes);
      const split = chunks(m, k, n, mc);
      // Called from inside a run of this pool (its interlude): the shared memory is in use. Serial has its own.
      if (split === null || pool.running) return serial.gemm(a, aOffsets, b, bOffsets, out, m, k, n);
      pool.wake(); // the workers spin while B is copied in and packed
      const n4 = Math.ceil(n / 4) * 4;
      // After B: A (where the workers' chunks are copied), the caller's block of A, all of C.
      const aBytes = align16(4 * m * k);
      const callerBytes = align16(4 * mc * k);
      for (let t = 0; t < aOffsets.length; t++) {
        const bPacked = loadB(b, bOffsets[t], k, n, n4, aBytes + callerBytes + 4 * m * n4);
        // The sizes are the same for every t, so only the first can fail, before anything is written.
        if (bPacked === null) return serial.gemm(a, aOffsets, b, bOffsets, out, m, k, n);
        const aAt = bPacked + align16(4 * k * n4);
        const callerA = aAt + aBytes;
        const cAt = callerA + callerBytes;
        staged(a, aOffsets[t], k, split, aAt, SPAN_EXPORT, (_, r0, rows, aRows) => [aRows, bPacked, cAt + 4 * r0 * n4, rows, k, n4, mc], callerA, mc,
          (i0, rows) => span(callerA, bPacked, cAt + 4 * i0 * n4, rows, k, n4, mc));
        copyOut(scratch.heap, cAt / 4, m, n, n4, out, t * m * n);
      }
      return true;
    },
    rowSums(a, b, bias, relu, out, m, k, n) {
      const mc = blockRows(m, k, tile, aBlockBytes);
      const split = chunks(m, k, n, mc);
      if (split === null || pool.running) return serial.rowSums(a, b, bias, relu, out, m, k, n);
      pool.wake();
      const n4 = Math.ceil(n / 4) * 4;
      const cBlockBytes = align16(4 * mc * n4);
      // After B: the bias, A (where the workers' chunks are copied), the caller's block of A, a C block for
      // the caller and one per chunk (chunks run at once), the sums.
      const biasBytes = align16(4 * n);
      const aBytes = align16(4 * m * k);
      const callerBytes = align16(4 * mc * k);
      const bPacked = loadB(b, 0, k, n, n4, biasBytes + aBytes + callerBytes + (split.length + 1) * cBlockBytes + 4 * m);
      if (bPacked === null) return serial.rowSums(a, b, bias, relu, out, m, k, n);
      const biasAt = bPacked + align16(4 * k * n4);
      const aAt = biasAt + biasBytes;
      const callerA = aAt + aBytes;
      const cAt = callerA + callerBytes;
      const sumsAt = cAt + (split.length + 1) * cBlockBytes;
      if (bias !== null) scratch.heap.set(bias.subarray(0, n), biasAt / 4);
      const e = ROW_SUM_EPILOGUES.find((x) => x.bias === (bias !== null) && x.relu === relu) as RowSumEpilogue;
      const sum = spanSum.get(e) as SpanFn;
      staged(a, 0, k, split, aAt, spanSumExport(e), (j, r0, rows, aRows) => [aRows, bPacked, cAt + (j + 1) * cBlockBytes, rows, k, n, n4, mc, biasAt, sumsAt + 4 * r0], callerA, mc,
        (i0, rows) => sum(callerA, bPacked, cAt, rows, k, n, n4, mc, biasAt, sumsAt + 4 * i0));
      out.set(scratch.heap.subarray(sumsAt / 4, sumsAt / 4 + m), 0);
      return true;
    },
  };
}
