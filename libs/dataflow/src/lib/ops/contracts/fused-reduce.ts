import { argError, Attrs, getContract, Inferred, registerContract, ValueInfo } from '../contract';
import { inferOnBehalf } from './helpers';
import type { ReduceOp } from '../op-names';

/**
 * `fusedReduce(...xs)`: a fused elementwise program (contracts/fused.ts) whose result is reduced at once, so a
 * backend can fold each element into an accumulator instead of materializing the elementwise result. The
 * optimizer's fusedReduce pass makes it from `sum`/`max`/`min` of a `fused` node (or of one elementwise op).
 *
 * It is exactly `reduce(fused(...xs, { program, dtype }), { axis, keepDims })`: the same dtype, shape and
 * values, with `axis` referring to the broadcast shape of the inputs. In a per-element graph the first input
 * has that shape's rank (the optimizer writes it so, and a loaded plan is checked for it): graph-mode
 * vectorization puts the batch dimension in front of it and shifts the reduced axes by one. That holds only
 * per element (a batched call may have an unbatched first input), so the contract does not require it.
 *
 * attrs:
 * - `program`, `dtype`: as for `fused` (validated by the same checker)
 * - `reduce`: `'sum'`, `'max'` or `'min'`
 * - `axis`, `keepDims`: as for the reduction; inference adds the normalized `axes`. An empty set of axes is
 *   an error: reducing nothing is the elementwise `fused` op.
 *
 * ```ts
 * // sum(relu(x * 2 + b), -1) for x: float32[B, 64], b: float32[64]
 * { program: [['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1],
 *             ['input', 'float32', 1], ['add', 'float32', 2, 3], ['relu', 'float32', 4]],
 *   dtype: 'float32', reduce: 'sum', axis: [1], keepDims: false }
 * ```
 */
const OP = 'fusedReduce';

/** The reductions a fusedReduce may end in. A Map, so any other value (`__proto__` included) is unknown. */
const REDUCTIONS: ReadonlyMap<unknown, ReduceOp> = new Map<unknown, ReduceOp>([['sum', 'sum'], ['max', 'max'], ['min', 'min']]);

/** A value from attrs in a message: JSON, clipped, so a planted payload cannot flood the message. */
function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

const onBehalf = (inner: string, infer: () => Inferred): Inferred => inferOnBehalf(OP, inner, infer);

registerContract({
  name: OP,
  inputs: ['xs'],
  variadic: true,
  kind: 'reduction',
  promote: [],
  infer(xs: readonly ValueInfo[], attrs: Attrs): Inferred {
    const reduce = REDUCTIONS.get(attrs.reduce);
    if (reduce === undefined) throw argError(OP, 'reduce', `is ${show(attrs.reduce)}; expected "sum", "max" or "min"`);
    // The fused contract checks the program (checkFusedProgram), the dtype and the inputs' broadcast.
    const value = onBehalf('fused', () => getContract('fused').infer(xs, { program: attrs.program, dtype: attrs.dtype }));
    const r = onBehalf(reduce, () => getContract(reduce).infer([value], { axis: attrs.axis ?? null, keepDims: attrs.keepDims ?? false }));
    const axes = (r.attrs?.axes ?? []) as readonly number[];
    if (axes.length === 0) throw argError(OP, 'axis', `is ${show(attrs.axis)}, which selects no axis of a rank-${value.shape.length} value; that is the elementwise 'fused' op`);
    return { dtype: r.dtype, shape: r.shape, attrs: { ...attrs, axes, keepDims: r.attrs?.keepDims ?? false } };
  },
});
