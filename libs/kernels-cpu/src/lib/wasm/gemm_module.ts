import { FunctionBuilder } from './function_builder';
import { encodeModule, FunctionDef, MemoryImport } from './module_encoder';
import { Op, SimdOp, ValType } from './opcodes';
import { ROW_SUM_EPILOGUES, rowSumFunction } from './row_sum_module';
import { spanFunctions } from './span_module';

/**
 * The register tile of the float32 GEMM: `mr` rows of C by `nv` f32x4 vectors (4·nv columns), kept in
 * `mr·nv` v128 locals while the k loop runs, and the k loop unrolled `unroll` times.
 */
export interface GemmTile {
  readonly mr: number;
  readonly nv: number;
  readonly unroll: number;
  /** Multiply-add with relaxed SIMD's `f32x4.relaxed_madd` (one rounding where the CPU has FMA) instead of mul then add. */
  readonly fma?: boolean;
}

/**
 * 4 rows x 16 columns, k not unrolled: the best or tied for best in every run of src/bench/matmul.bench.ts
 * `--tiles` on the 2-core CI machine (V8 11.3, x64, no FMA): ~30 GFLOP/s at [8192,256]·[256,64], 64^3 and
 * 1024^3, which is the machine's f32x4 multiply+add roof. 16 accumulators + 4 B vectors + 1 splat is more
 * than the 16 xmm registers, yet it beats tiles that fit (4x8: 27-29, 8x8: 26-28), presumably because the
 * spilled values reload from L1 on otherwise idle load ports (not checked in V8's machine code). Unrolling
 * k by 2, 4 or 8 changed nothing beyond noise (±5%).
 */
export const GEMM_TILE: GemmTile = { mr: 4, nv: 4, unroll: 1 };

/**
 * The tile where relaxed SIMD's multiply-add is fused (relaxed_simd.ts): 6 rows x 8 columns, 12 accumulators
 * + 2 B vectors + 1 splat = 15 registers, so nothing spills. Same machine, [8192,256]·[256,64]: 6x2 47 GFLOP/s,
 * 4x2 47, 8x2 41, 4x4 40, 6x4 37; unrolling k by 2 or 4 dropped 6x2 to 33-34 (src/bench/matmul.bench.ts --tiles
 * with --fma). Against 34 for the best mul+add tile: 1.4x.
 */
export const GEMM_TILE_FMA: GemmTile = { mr: 6, nv: 2, unroll: 1, fma: true };

/**
 * Rows of A a GEMM runs at a time: about `aBlockBytes` of A (whole tiles of `tile.mr` rows, at least one), so
 * the block stays in cache while every panel of B passes over it; all of `m` if that is fewer.
 */
export function blockRows(m: number, k: number, tile: GemmTile, aBlockBytes: number): number {
  return Math.min(m, Math.max(tile.mr, Math.floor(aBlockBytes / Math.max(1, 4 * k) / tile.mr) * tile.mr));
}

/** Export names: `rows_<w>` runs a panel `4·w` columns wide (w = 1..nv); `pack_b` packs B into panels. */
export const rowsExport = (w: number): string => `rows_${w}`;
export const PACK_B_EXPORT = 'pack_b';

/**
 * The WebAssembly module of the float32 GEMM, built from code (no toolchain on the machine). It imports its
 * memory as `env.memory` (so a caller may pass a shared one) and exports:
 *
 * - `pack_b(src, dst, k, n, n4)`: copies a row-major `[k, n]` B at `src` into column panels at `dst`, each
 *   `[k, 4·nv]` (the last one `[k, w]`, `w` the rest of `n4 = n` rounded up to 4) and contiguous, so the
 *   kernel reads B sequentially whatever `n`. Columns past `n` get whatever follows each row in memory: they
 *   only feed columns of C past `n`, which the caller never reads.
 * - `rows_w(a, b, c, m, k, lda, ldc)`: `C[m, 4w] = A[m, k] · Bpanel[k, 4w]`, A and C row-major with row strides
 *   `lda` and `ldc` in bytes. Full `mr`-row tiles, then single rows for the rest of `m`.
 * - `row_sum*(c, ldc, rows, n, bias, sums)`: the row sums of a block of C, with an optional bias and relu on
 *   each element first (row_sum_module.ts): the epilogue of `sum(relu(x·W + b), -1)`.
 * - `span(...)` and `span_sum*(...)`: a whole span of rows of the product, or of its row sums, in one call
 *   (span_module.ts), which is what a worker thread runs for its share.
 *
 * Every product and sum is f32, in k order: one rounding each, or with a fused `fma` tile one rounding per
 * multiply-add; nothing is skipped, so NaN and Infinity propagate as in the textbook loop.
 *
 * ```ts
 * const bytes = buildGemmModule();
 * WebAssembly.validate(bytes); // true where SIMD128 is supported
 * ```
 */
export function buildGemmModule(tile: GemmTile = GEMM_TILE, memory: MemoryImport = { module: 'env', name: 'memory', initial: 1 }): Uint8Array {
  const functions: FunctionDef[] = [];
  // Function indices: for each width w, the mr-row kernel at 2(w-1) and the 1-row kernel at 2(w-1)+1.
  for (let w = 1; w <= tile.nv; w++) {
    functions.push({ body: microKernel(tile.mr, w, tile.unroll, tile.fma === true) }, { body: microKernel(1, w, tile.unroll, tile.fma === true) });
  }
  for (let w = 1; w <= tile.nv; w++) {
    functions.push({ body: rowsFunction(tile.mr, 2 * (w - 1), 2 * (w - 1) + 1), exportAs: rowsExport(w) });
  }
  functions.push({ body: packB(4 * tile.nv), exportAs: PACK_B_EXPORT });
  const rowSumAt = functions.length;
  functions.push(...ROW_SUM_EPILOGUES.map(rowSumFunction));
  functions.push(...spanFunctions({ nv: tile.nv, rowsFn: (w) => 2 * tile.nv + (w - 1), rowSumFn: (e) => rowSumAt + ROW_SUM_EPILOGUES.indexOf(e) }));
  return encodeModule({ memory, functions });
}

const I32 = ValType.i32;

/**
 * `C[mr, 4nv] = A[mr, k] · Bpanel[k, 4nv]`: params (a, lda, b, c, ldc, k). Per k step: load the nv vectors
 * of B's row once, then for each row of A splat its element (`v128.load32_splat`, one instruction) and
 * multiply-add into that row's accumulators (`fma`: one relaxed_madd, else f32x4.mul then f32x4.add).
 * mr·nv accumulators + nv B vectors + 1 splat must fit the 16 xmm registers for V8 not to spill inside the loop.
 */
function microKernel(mr: number, nv: number, unroll: number, fma: boolean): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [A, LDA, B, C, LDC, K] = [0, 1, 2, 3, 4, 5];
  const rowPtr = [A];
  for (let r = 1; r < mr; r++) rowPtr.push(f.local(I32));
  const acc = Array.from({ length: mr }, () => Array.from({ length: nv }, () => f.local(ValType.v128)));
  const bv = Array.from({ length: nv }, () => f.local(ValType.v128));
  const av = f.local(ValType.v128);
  for (let r = 1; r < mr; r++) f.get(rowPtr[r - 1]).get(LDA).op(Op.i32_add).set(rowPtr[r]);

  // One k step `u` places after the pointers: A's element at byte offset 4u, B's row at (u·nv + v)·16.
  const step = (u: number): void => {
    for (let v = 0; v < nv; v++) f.get(B).simdMem(SimdOp.v128_load, (u * nv + v) * 16).set(bv[v]);
    for (let r = 0; r < mr; r++) {
      f.get(rowPtr[r]).simdMem(SimdOp.v128_load32_splat, 4 * u, 2).set(av);
      for (let v = 0; v < nv; v++) {
        if (fma) f.get(av).get(bv[v]).get(acc[r][v]).simd(SimdOp.f32x4_relaxed_madd).set(acc[r][v]);
        else f.get(acc[r][v]).get(av).get(bv[v]).simd(SimdOp.f32x4_mul).simd(SimdOp.f32x4_add).set(acc[r][v]);
      }
    }
  };
  const advance = (steps: number): void => {
    for (const p of rowPtr) f.addConst(p, 4 * steps);
    f.addConst(B, steps * nv * 16);
    f.addConst(K, -steps);
  };

  if (unroll > 1) {
    const exit = f.block();
    const again = f.loop();
    f.get(K).i32Const(unroll).op(Op.i32_lt_s).brIf(exit);
    for (let u = 0; u < unroll; u++) step(u);
    advance(unroll);
    f.br(again).end().end();
  }
  const exit = f.block();
  const again = f.loop();
  f.get(K).i32Const(0).op(Op.i32_le_s).brIf(exit);
  step(0);
  advance(1);
  f.br(again).end().end();

  for (let r = 0; r < mr; r++) {
    if (r > 0) f.addLocal(C, LDC);
    for (let v = 0; v < nv; v++) f.get(C).get(acc[r][v]).simdMem(SimdOp.v128_store, 16 * v);
  }
  return f;
}

/** `rows_w(a, b, c, m, k, lda, ldc)`: the mr-row kernel down the rows while mr remain, then the 1-row one. */
function rowsFunction(mr: number, tileFn: number, rowFn: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32], []);
  const [A, B, C, M, K, LDA, LDC] = [0, 1, 2, 3, 4, 5, 6];
  const aStep = f.local(I32);
  const cStep = f.local(I32);
  f.get(LDA).i32Const(mr).op(Op.i32_mul).set(aStep);
  f.get(LDC).i32Const(mr).op(Op.i32_mul).set(cStep);
  const callKernel = (fn: number): void => {
    f.get(A).get(LDA).get(B).get(C).get(LDC).get(K).call(fn);
  };
  const tiles = f.block();
  const tileLoop = f.loop();
  f.get(M).i32Const(mr).op(Op.i32_lt_s).brIf(tiles);
  callKernel(tileFn);
  f.addLocal(A, aStep).addLocal(C, cStep).addConst(M, -mr);
  f.br(tileLoop).end().end();
  const rows = f.block();
  const rowLoop = f.loop();
  f.get(M).i32Const(0).op(Op.i32_le_s).brIf(rows);
  callKernel(rowFn);
  f.addLocal(A, LDA).addLocal(C, LDC).addConst(M, -1);
  f.br(rowLoop).end().end();
  return f;
}

/** `pack_b(src, dst, k, n, n4)`, see buildGemmModule; `nr` is the full panel width in floats. */
function packB(nr: number): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32], []);
  const [SRC, DST, K, N, N4] = [0, 1, 2, 3, 4];
  const [j0, width, row, p, off, srcStride] = [I32, I32, I32, I32, I32, I32].map((t) => f.local(t));
  f.get(N).i32Const(4).op(Op.i32_mul).set(srcStride);

  const panels = f.block();
  const panelLoop = f.loop();
  f.get(j0).get(N4).op(Op.i32_ge_s).brIf(panels);
  // width = min(nr, n4 - j0) floats, as bytes
  f.i32Const(nr).get(N4).get(j0).op(Op.i32_sub).get(N4).get(j0).op(Op.i32_sub).i32Const(nr).op(Op.i32_gt_s).op(Op.select);
  f.i32Const(4).op(Op.i32_mul).set(width);
  f.get(j0).i32Const(4).op(Op.i32_mul).get(SRC).op(Op.i32_add).set(row);
  f.get(K).set(p);

  const rows = f.block();
  const rowLoop = f.loop();
  f.get(p).i32Const(0).op(Op.i32_le_s).brIf(rows);
  f.i32Const(0).set(off);
  const vectors = f.block();
  const vectorLoop = f.loop();
  f.get(off).get(width).op(Op.i32_ge_s).brIf(vectors);
  f.get(DST).get(off).op(Op.i32_add);
  f.get(row).get(off).op(Op.i32_add).simdMem(SimdOp.v128_load, 0, 0); // rows of B start unaligned when n % 4 != 0
  f.simdMem(SimdOp.v128_store);
  f.addConst(off, 16).br(vectorLoop).end().end();
  f.addLocal(DST, width).addLocal(row, srcStride).addConst(p, -1);
  f.br(rowLoop).end().end();

  f.addConst(j0, nr).br(panelLoop).end().end();
  return f;
}
