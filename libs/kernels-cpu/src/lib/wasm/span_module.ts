import { FunctionBuilder } from './function_builder';
import type { FunctionDef } from './module_encoder';
import { Op, ValType } from './opcodes';
import { ROW_SUM_EPILOGUES, RowSumEpilogue } from './row_sum_module';

/** Where the functions a span calls sit in the module (gemm_module.ts numbers them). */
export interface SpanCallees {
  /** Register tile width in f32x4 vectors: panels are `4·nv` floats wide. */
  readonly nv: number;
  /** `rowsFn(w)`: the index of `rows_w`, w = 1..nv. */
  rowsFn(w: number): number;
  /** The index of the row-sum function of an epilogue. */
  rowSumFn(e: RowSumEpilogue): number;
}

/** Exports: `span` (the product) and `span_sum*` (its row sums), one per row-sum epilogue. */
export const SPAN_EXPORT = 'span';
export const spanSumExport = (e: RowSumEpilogue): string => `span_sum${e.bias ? '_bias' : ''}${e.relu ? '_relu' : ''}`;

const I32 = ValType.i32;

/**
 * Emits, into `f`, the product of one block of `r` rows at `a` into C at `c` (row stride `ldc` bytes): every
 * panel of the packed B in turn, each with the `rows_w` of its width (the last one may be narrower).
 */
function blockProduct(f: FunctionBuilder, at: SpanCallees, [a, bPacked, c, r, k, n4, ldc]: readonly number[]): void {
  const j0 = f.local(I32);
  const width = f.local(I32);
  const nr = 4 * at.nv;
  f.i32Const(0).set(j0);
  const panels = f.block();
  const panel = f.loop();
  f.get(j0).get(n4).op(Op.i32_ge_s).brIf(panels);
  // width = min(nr, n4 - j0) / 4, in vectors
  f.i32Const(nr).get(n4).get(j0).op(Op.i32_sub).get(n4).get(j0).op(Op.i32_sub).i32Const(nr).op(Op.i32_gt_s).op(Op.select);
  f.i32Const(4).op(Op.i32_div_s).set(width);
  for (let w = 1; w <= at.nv; w++) {
    f.get(width).i32Const(w).op(Op.i32_eq);
    f.ifThen();
    // rows_w(a, b + 4·j0·k, c + 4·j0, r, k, 4k, ldc)
    f.get(a).get(bPacked).get(j0).get(k).op(Op.i32_mul).i32Const(4).op(Op.i32_mul).op(Op.i32_add);
    f.get(c).get(j0).i32Const(4).op(Op.i32_mul).op(Op.i32_add);
    f.get(r).get(k).get(k).i32Const(4).op(Op.i32_mul).get(ldc).call(at.rowsFn(w));
    f.end();
  }
  f.get(j0).i32Const(nr).op(Op.i32_add).set(j0);
  f.br(panel).end().end();
}

/**
 * Emits the loop over a span of rows, `mc` at a time: `r = min(mc, rows)`, the block's product into C, then
 * `afterBlock(r)` (which moves C on, or sums the block), then A moves on by r rows.
 */
function spanLoop(f: FunctionBuilder, at: SpanCallees, [A, B, C, ROWS, K, N4, MC]: readonly number[], afterBlock: (r: number, ldc: number) => void): void {
  const r = f.local(I32);
  const ldc = f.local(I32);
  f.get(N4).i32Const(4).op(Op.i32_mul).set(ldc);
  const done = f.block();
  const next = f.loop();
  f.get(ROWS).i32Const(0).op(Op.i32_le_s).brIf(done);
  f.get(MC).get(ROWS).get(MC).get(ROWS).op(Op.i32_lt_s).op(Op.select).set(r); // r = min(mc, rows)
  blockProduct(f, at, [A, B, C, r, K, N4, ldc]);
  afterBlock(r, ldc);
  f.get(A).get(r).get(K).op(Op.i32_mul).i32Const(4).op(Op.i32_mul).op(Op.i32_add).set(A);
  f.get(ROWS).get(r).op(Op.i32_sub).set(ROWS);
  f.br(next).end().end();
}

/**
 * `span(a, b, c, rows, k, n4, mc)`: `C[rows, n4] = A[rows, k] · B` with A at `a` (rows of k floats), B packed
 * at `b` (pack_b), C at `c` (rows of n4 floats), `mc` rows at a time so a block of A stays in cache while every
 * panel of B passes over it. A whole span in one call, so a worker thread runs its share of rows with one job.
 */
export function spanFunction(at: SpanCallees): FunctionDef {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32], []);
  const [A, B, C, ROWS, K, N4, MC] = [0, 1, 2, 3, 4, 5, 6];
  spanLoop(f, at, [A, B, C, ROWS, K, N4, MC], (r, ldc) => {
    f.get(C).get(r).get(ldc).op(Op.i32_mul).op(Op.i32_add).set(C);
  });
  return { body: f, exportAs: SPAN_EXPORT };
}

/**
 * `span_sum*(a, b, c, rows, k, n, n4, mc, bias, sums)`: the row sums (row_sum_module.ts) of `A · B` for a
 * span of rows, `mc` at a time through one C block at `c` (mc rows of n4 floats), into `sums` (rows floats).
 */
export function spanSumFunction(at: SpanCallees, e: RowSumEpilogue): FunctionDef {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], []);
  const [A, B, C, ROWS, K, N, N4, MC, BIAS, SUMS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  spanLoop(f, at, [A, B, C, ROWS, K, N4, MC], (r, ldc) => {
    f.get(C).get(ldc).get(r).get(N).get(BIAS).get(SUMS).call(at.rowSumFn(e));
    f.get(SUMS).get(r).i32Const(4).op(Op.i32_mul).op(Op.i32_add).set(SUMS);
  });
  return { body: f, exportAs: spanSumExport(e) };
}

/** Every span function, in the order the module lists them. */
export function spanFunctions(at: SpanCallees): FunctionDef[] {
  return [spanFunction(at), ...ROW_SUM_EPILOGUES.map((e) => spanSumFunction(at, e))];
}
