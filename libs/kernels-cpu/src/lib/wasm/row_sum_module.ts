import { FunctionBuilder } from './function_builder';
import type { FunctionDef } from './module_encoder';
import { Op, SimdOp, ValType } from './opcodes';

/**
 * The elementwise steps a GEMM's row-sum epilogue can take on each element of C before summing it, in this
 * order: add a bias vector (one value per column), then relu. Each combination is its own exported function,
 * so the loop has no branch on it.
 */
export interface RowSumEpilogue {
  readonly bias: boolean;
  readonly relu: boolean;
}

export const ROW_SUM_EPILOGUES: readonly RowSumEpilogue[] = [
  { bias: false, relu: false },
  { bias: true, relu: false },
  { bias: false, relu: true },
  { bias: true, relu: true },
];

/** The export of one epilogue: `row_sum`, `row_sum_bias`, `row_sum_relu`, `row_sum_bias_relu`. */
export const rowSumExport = (e: RowSumEpilogue): string => `row_sum${e.bias ? '_bias' : ''}${e.relu ? '_relu' : ''}`;

/** Rows summed side by side: independent float64 chains, so the adds' latency overlaps (4 rows: ~4x one). */
const GROUP = 4;

/**
 * `row_sum*(c, ldc, rows, n, bias, sums)`: for each of `rows` rows of the float32 C at `c` (row stride `ldc`
 * bytes), `sums[i] = f32(Σ_j f64(v_j))`, j = 0..n-1 in order, with `v_j = C[i, j]`, then `f32(v_j + bias[j])`
 * (with `bias`), then `f32.max(v_j, 0)` (with `relu`: NaN stays NaN, -0 becomes +0, as relu does).
 *
 * That is bit for bit what the fusedReduce kernel's loop computes for `sum(relu($0 + $1))` and its sub-forms
 * over float32 (a float64 accumulator from 0, each element in column order, rounded to float32 once at the
 * end), so a matmulReduce gives the same bits through this epilogue as through matmul then fusedReduce.
 */
export function rowSumFunction(e: RowSumEpilogue): FunctionDef {
  const I32 = ValType.i32;
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32], []);
  const [C, LDC, ROWS, N, BIAS, SUMS] = [0, 1, 2, 3, 4, 5];
  const col = f.local(I32);
  const rowPtr = Array.from({ length: GROUP }, () => f.local(I32));
  const acc = Array.from({ length: GROUP }, () => f.local(ValType.f64));

  const vec = f.local(ValType.v128);
  const n4 = f.local(I32); // n rounded down to whole vectors

  /**
   * Sums `g` rows starting at C into sums[0..g-1], then moves C, SUMS and ROWS on by g rows. Four columns at
   * a time, bias and relu are f32x4 ops (branch-free; scalar f32.max compiles to compares and branches, which
   * mispredict on mixed signs: 27% of the dense benchmark's profile that way); the lanes are then added to
   * the row's float64 sum one by one, in column order. The last n % 4 columns go one at a time.
   */
  const group = (g: number): void => {
    f.get(C).set(rowPtr[0]);
    for (let r = 1; r < g; r++) f.get(rowPtr[r - 1]).get(LDC).op(Op.i32_add).set(rowPtr[r]);
    for (let r = 0; r < g; r++) f.f64Const(0).set(acc[r]);
    f.i32Const(0).set(col);
    const vectorsDone = f.block();
    const nextVector = f.loop();
    f.get(col).get(n4).op(Op.i32_ge_s).brIf(vectorsDone);
    for (let r = 0; r < g; r++) {
      f.get(rowPtr[r]).simdMem(SimdOp.v128_load, 0, 2);
      if (e.bias) f.get(BIAS).simdMem(SimdOp.v128_load, 0, 2).simd(SimdOp.f32x4_add);
      if (e.relu) f.f32x4Const(0).simd(SimdOp.f32x4_max);
      f.set(vec);
      for (let lane = 0; lane < 4; lane++) {
        f.get(acc[r]).get(vec).simdLane(SimdOp.f32x4_extract_lane, lane).op(Op.f64_promote_f32).op(Op.f64_add).set(acc[r]);
      }
      f.addConst(rowPtr[r], 16);
    }
    if (e.bias) f.addConst(BIAS, 16);
    f.addConst(col, 4).br(nextVector).end().end();
    const done = f.block();
    const next = f.loop();
    f.get(col).get(N).op(Op.i32_ge_s).brIf(done);
    for (let r = 0; r < g; r++) {
      f.get(acc[r]);
      f.get(rowPtr[r]).mem(Op.f32_load, 0, 2);
      if (e.bias) f.get(BIAS).mem(Op.f32_load, 0, 2).op(Op.f32_add);
      if (e.relu) f.f32Const(0).op(Op.f32_max);
      f.op(Op.f64_promote_f32).op(Op.f64_add).set(acc[r]);
      f.addConst(rowPtr[r], 4);
    }
    if (e.bias) f.addConst(BIAS, 4);
    f.addConst(col, 1).br(next).end().end();
    if (e.bias) f.get(BIAS).get(N).i32Const(4).op(Op.i32_mul).op(Op.i32_sub).set(BIAS); // back to column 0
    for (let r = 0; r < g; r++) f.get(SUMS).get(acc[r]).op(Op.f32_demote_f64).mem(Op.f32_store, 4 * r, 2);
    f.get(C).get(LDC).i32Const(g).op(Op.i32_mul).op(Op.i32_add).set(C);
    f.addConst(SUMS, 4 * g).addConst(ROWS, -g);
  };

  f.get(N).i32Const(-4).op(Op.i32_and).set(n4);
  const groups = f.block();
  const groupLoop = f.loop();
  f.get(ROWS).i32Const(GROUP).op(Op.i32_lt_s).brIf(groups);
  group(GROUP);
  f.br(groupLoop).end().end();
  const singles = f.block();
  const singleLoop = f.loop();
  f.get(ROWS).i32Const(0).op(Op.i32_le_s).brIf(singles);
  group(1);
  f.br(singleLoop).end().end();
  return { body: f, exportAs: rowSumExport(e) };
}
