import { DType, isDType } from '../../core/dtype';
import { broadcastShapes, Dim, formatShape } from '../../core/shape';
import { argError, AttrValue, Attrs, getContract, OpError, registerContract, ValueInfo } from '../contract';
import { BINARY_OPS, UNARY_OPS } from '../op-names';

/**
 * `fused(...xs)`: a connected group of elementwise ops run as one (the optimizer's elementwise fusion makes
 * it; a backend may compile it into one loop). It is elementwise: every input broadcasts to the output shape
 * and output[i] depends only on element i of each input.
 *
 * attrs:
 * - `program`: a list of instructions `[op, dtype, ...args]`; instruction j's value is `%j`, and the last
 *   instruction is the result.
 *   - `['input', dtype, slot]`: element of input `slot` (its dtype must be `dtype`)
 *   - `['const', dtype, value]`: a number (NaN, ±Infinity and -0 allowed), exactly representable in `dtype`
 *   - `['cast', dtype, a]`: cast(%a, dtype)
 *   - `[op, dtype, a, b?, c?]`: a unary or binary elementwise op, or `where`, on earlier values; `dtype` must
 *     be what the op's own contract infers, so every step computes and rounds exactly as the unfused op.
 * - `dtype`: the output dtype (the last instruction's).
 *
 * The program holds op names and numbers only; validation accepts nothing else, so a backend that builds
 * code from it never sees a string from outside its own tables.
 *
 * ```ts
 * // relu(x * 2 + b)
 * { program: [['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1],
 *             ['input', 'float32', 1], ['add', 'float32', 2, 3], ['relu', 'float32', 4]], dtype: 'float32' }
 * ```
 */
export const FUSED_PROGRAM_LIMIT = 4096;

/** Op names a fused program may use, with their arity (a Map, so names like `__proto__` are just unknown). */
const ARITY: ReadonlyMap<string, number> = new Map<string, number>([
  ...UNARY_OPS.map((op): [string, number] => [op, 1]),
  ...BINARY_OPS.map((op): [string, number] => [op, 2]),
  ['where', 3],
  ['cast', 1],
]);

const fail = (what: string): OpError => argError('fused', 'program', `is invalid: ${what}`);

/** A value from attrs in a message: JSON, clipped, so a planted payload cannot flood the message. */
function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}

/** Whether `v` survives a store into a `dtype` typed array unchanged (NaN counts as itself). */
function representable(v: number, dtype: DType): boolean {
  if (dtype === 'float64') return true;
  if (dtype === 'float32') return Object.is(Math.fround(v), v);
  if (dtype === 'bool') return v === 0 || v === 1;
  const [lo, hi] = dtype === 'int32' ? [-(2 ** 31), 2 ** 31 - 1] : [0, 255];
  return Number.isInteger(v) && v >= lo && v <= hi && !Object.is(v, -0);
}

function ref(v: AttrValue | undefined, j: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= j) {
    throw fail(`instruction ${j} refers to ${show(v)}; expected the index of an earlier instruction (0..${j - 1})`);
  }
  return v;
}

/** Validates a program against the inputs' dtypes; returns each instruction's dtype. */
export function checkFusedProgram(program: AttrValue | undefined, inputs: readonly ValueInfo[]): DType[] {
  if (!Array.isArray(program) || program.length === 0 || program.length > FUSED_PROGRAM_LIMIT) {
    throw fail(`it is ${show(program)}; expected a list of 1 to ${FUSED_PROGRAM_LIMIT} instructions`);
  }
  const dtypes: DType[] = [];
  program.forEach((raw: AttrValue, j: number) => {
    if (!Array.isArray(raw) || raw.length < 2) throw fail(`instruction ${j} is ${show(raw)}; expected [op, dtype, ...args]`);
    const [op, dtype, ...args] = raw as readonly AttrValue[];
    if (!isDType(dtype)) throw fail(`instruction ${j} has dtype ${show(dtype)}; expected a dtype name`);
    if (op === 'input' || op === 'const') {
      const v = args[0];
      if (args.length !== 1 || typeof v !== 'number') throw fail(`instruction ${j} (${op}) is ${show(raw)}; expected one number`);
      if (op === 'input') {
        if (!Number.isInteger(v) || v < 0 || v >= inputs.length) {
          throw fail(`instruction ${j} reads input ${show(v)}; the node has ${inputs.length} inputs`);
        }
        if (inputs[v].dtype !== dtype) throw fail(`instruction ${j} reads input ${v} as ${dtype}, but it is ${inputs[v].dtype}`);
      } else if (!representable(v, dtype)) {
        throw fail(`instruction ${j} is the constant ${show(v)}, which a ${dtype} cannot hold`);
      }
      dtypes.push(dtype);
      return;
    }
    const arity = typeof op === 'string' ? ARITY.get(op) : undefined;
    if (arity === undefined) throw fail(`instruction ${j} uses op ${show(op)}; expected an elementwise op, input or const`);
    if (args.length !== arity) throw fail(`instruction ${j} (${op}) has ${args.length} arguments; '${op}' takes ${arity}`);
    const argInfos = args.map((a) => ({ dtype: dtypes[ref(a, j)], shape: [] }));
    const attrs: Attrs = op === 'cast' ? { dtype } : {};
    const inferred = getContract(op as string).infer(argInfos, attrs);
    if (inferred.dtype !== dtype) throw fail(`instruction ${j} (${op}) says ${dtype}, but '${op}' gives ${inferred.dtype} for its arguments`);
    dtypes.push(dtype);
  });
  return dtypes;
}

registerContract({
  name: 'fused',
  inputs: ['xs'],
  variadic: true,
  kind: 'elementwise',
  promote: [],
  infer(xs: readonly ValueInfo[], attrs) {
    const dtypes = checkFusedProgram(attrs.program, xs);
    const out = dtypes[dtypes.length - 1];
    if (attrs.dtype !== out) throw argError('fused', 'dtype', `is ${show(attrs.dtype)}; the program's result is ${out}`);
    let shape: Dim[] = [];
    for (let i = 0; i < xs.length; i++) {
      const next = broadcastShapes(shape, xs[i].shape);
      if (next === null) throw argError('fused', `xs[${i}]`, `has shape ${formatShape(xs[i].shape)}, which does not broadcast with ${formatShape(shape)}`);
      shape = next;
    }
    return { dtype: out, shape };
  },
});
