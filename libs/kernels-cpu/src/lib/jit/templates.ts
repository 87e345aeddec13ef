import type { BinaryOp, DType, UnaryOp } from '@weir/dataflow';

/**
 * A JS expression for one op: `$0`, `$1`, `$2` stand for the arguments (the JIT substitutes identifiers it
 * generated itself). `int` is used when the instruction's dtype is an integer, as the kernels do
 * (binary_fns.ts, unary_fns.ts): these are those scalar functions, inlined. `H.*` are the helpers of
 * scalar_fns.ts, passed in to the generated function.
 */
export interface Template {
  readonly float: string;
  readonly int?: string;
}

/**
 * Float `mod` and `floorDiv` with the int32 fast paths of scalar_fns.ts' floatMod and floatFloorDiv (the
 * reasoning is there) written out in the loop, the general case left to the helper. V8 does not reliably
 * inline an `H.*` call into a generated loop (in about half the runs of fused-reduce.bench.ts it did not, at
 * twice the time); written out, `x % 3` is an integer modulo by a constant, which compiles to a multiply.
 */
const INT32_MOD = '(($0 | 0) % ($1 | 0))';
const INT32_PAIR = '($0 | 0) === $0 && ($1 | 0) === $1 && $1 !== 0';
const FLOAT_MOD = `(${INT32_PAIR} ? (${INT32_MOD} === 0 ? ($1 < 0 ? -0 : 0) : ${INT32_MOD} < 0 !== $1 < 0 ? ${INT32_MOD} + $1 : ${INT32_MOD}) : H.floatMod($0, $1))`;
const FLOAT_FLOOR_DIV = `(${INT32_PAIR} ? Math.floor($0 / $1) : H.floatFloorDiv($0, $1))`;

/**
 * relu without a data-dependent branch: `(x + |x|) / 2` is exactly x for x > 0 and +0 for x <= 0 (-0 too),
 * as long as x + |x| cannot overflow, which the |x| <= 8e307 guard ensures; the guard is false only for
 * ±Infinity, NaN and huge float64s, which take the exact ternary. On rows of mixed sign the plain ternary
 * mispredicts about half the time: a bias+relu+row-sum loop over [8192, 64] random float32 went from 60 ms
 * to 21 ms (13 batches, /tmp microbenchmark); on rows of one sign it costs ~40% more (15 ms to 21 ms).
 * scalar_fns.ts' relu is this expression too, so kernels and fused loops agree.
 */
export const RELU = '(Math.abs($0) <= 8e307 ? ($0 + Math.abs($0)) * 0.5 : $0 > 0 ? $0 : $0 !== $0 ? $0 : 0)';

const T: Readonly<Record<UnaryOp | BinaryOp | 'where', Template>> = {
  neg: { float: '(-$0)' },
  abs: { float: 'Math.abs($0)' },
  sign: { float: 'Math.sign($0)' },
  exp: { float: 'Math.exp($0)' },
  log: { float: 'Math.log($0)' },
  sqrt: { float: 'Math.sqrt($0)' },
  square: { float: '($0 * $0)', int: 'Math.imul($0, $0)' },
  relu: { float: RELU },
  sigmoid: { float: 'H.sigmoid($0)' },
  tanh: { float: 'Math.tanh($0)' },
  logicalNot: { float: '($0 === 0 ? 1 : 0)' },
  add: { float: '($0 + $1)' },
  sub: { float: '($0 - $1)' },
  mul: { float: '($0 * $1)', int: 'Math.imul($0, $1)' },
  div: { float: '($0 / $1)' },
  mod: { float: FLOAT_MOD, int: 'H.intMod($0, $1)' },
  floorDiv: { float: FLOAT_FLOOR_DIV, int: 'H.intFloorDiv($0, $1)' },
  pow: { float: 'H.floatPow($0, $1)', int: 'H.intPow($0, $1)' },
  maximum: { float: 'Math.max($0, $1)' },
  minimum: { float: 'Math.min($0, $1)' },
  greater: { float: '($0 > $1 ? 1 : 0)' },
  greaterEqual: { float: '($0 >= $1 ? 1 : 0)' },
  less: { float: '($0 < $1 ? 1 : 0)' },
  lessEqual: { float: '($0 <= $1 ? 1 : 0)' },
  equal: { float: '($0 === $1 ? 1 : 0)' },
  notEqual: { float: '($0 !== $1 ? 1 : 0)' },
  logicalAnd: { float: '($0 !== 0 && $1 !== 0 ? 1 : 0)' },
  logicalOr: { float: '($0 !== 0 || $1 !== 0 ? 1 : 0)' },
  where: { float: '($0 !== 0 ? $1 : $2)' },
};

/** Op name -> template. A Map, so a name like `constructor` or `__proto__` is simply not found. */
export const OP_TEMPLATES: ReadonlyMap<string, Template> = new Map(Object.entries(T));

/**
 * What storing a value into a tensor of each dtype does to it, as an expression. Every instruction's result
 * goes through its dtype's conversion, so a fused loop rounds and wraps exactly where the unfused kernels,
 * which store every intermediate into a typed array, do: `Math.fround` is the Float32Array store, `| 0` the
 * Int32Array store (ToInt32), `& 255` the Uint8Array store (ToUint8; bool is stored as uint8).
 */
export const STORE: ReadonlyMap<string, string> = new Map<DType, string>([
  ['float32', 'Math.fround($0)'],
  ['float64', '$0'],
  ['int32', '($0 | 0)'],
  ['uint8', '($0 & 255)'],
  ['bool', '($0 & 255)'],
]);

/** `cast(x, 'bool')` is `x != 0`, not a store (NaN is true); other casts are the target's store. */
export const CAST_TO_BOOL = '($0 !== 0 ? 1 : 0)';

/** Fills a template's `$k` with generated identifiers. */
export function fill(template: string, args: readonly string[]): string {
  return template.replace(/\$([0-2])/g, (_, k: string) => {
    const a = args[Number(k)];
    if (a === undefined) throw new Error(`JIT template ${template} needs argument ${k}`);
    return a;
  });
}
