import { formatNumber } from './number-format';
import { CAST_TO_BOOL, fill, OP_TEMPLATES, STORE } from './templates';

/**
 * How the loop reads each input, one letter per input slot:
 * - `f`: as large as the output (same row-major layout): element `i`
 * - `s`: one element, broadcast: read once, before the loop
 * - `b`: broadcast along some dimensions: walked with strides (then every non-`s` input is `b`)
 */
export type InputKinds = string;

/** The generated loop: `ins` are the inputs' typed arrays, `shape`/`strides` the coalesced strided layout. */
export type FusedLoop = (
  ins: readonly ArrayLike<number>[], out: { [i: number]: number; length: number }, n: number,
  shape: readonly number[], strides: readonly (readonly number[])[],
) => void;

function jitError(what: string): Error {
  return new Error(`'fused' program ${what}`);
}

function integerIn(v: unknown, below: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= below) throw jitError(`${what} is not an integer in [0, ${below})`);
  return v;
}

function arity(template: string): number {
  let n = 0;
  for (const m of template.matchAll(/\$([0-2])/g)) n = Math.max(n, Number(m[1]) + 1);
  return n;
}

/**
 * The source of one loop for a fused program (format: dataflow's contracts/fused.ts). The text is built only
 * from the fixed tables in templates.ts, identifiers made here from validated integers, and numbers through
 * formatNumber; any other op name, dtype, reference or constant is an error, whatever the contract said.
 * Instructions that depend on no per-element input are computed once, before the loop.
 *
 * ```ts
 * generateLoopSource([['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1]], 'f');
 * // "use strict"; return function fusedLoop(ins, out, n, shape, strides) { ... out[i] = t2; ... }
 * ```
 */
export function generateLoopSource(program: unknown, kinds: InputKinds): string {
  if (!Array.isArray(program) || program.length === 0) throw jitError('is not a non-empty list of instructions');
  if (!/^[fsb]*$/.test(kinds)) throw jitError(`input kinds '${kinds.slice(0, 20)}' are not f/s/b`);
  const strided = kinds.includes('b');
  const before: string[] = [];
  const body: string[] = [];
  const invariant: boolean[] = [];
  const used = new Set<number>();
  program.forEach((raw: unknown, j: number) => {
    if (!Array.isArray(raw) || raw.length < 2) throw jitError(`instruction ${j} is not [op, dtype, ...args]`);
    const [op, dtype, ...args] = raw as unknown[];
    const store = typeof dtype === 'string' ? STORE.get(dtype) : undefined;
    if (typeof op !== 'string' || store === undefined) throw jitError(`instruction ${j} has an unknown op or dtype`);
    let expr: string;
    let inv: boolean;
    if (op === 'input') {
      if (args.length !== 1) throw jitError(`instruction ${j} (input) takes one slot`);
      const slot = integerIn(args[0], kinds.length, `instruction ${j}'s input slot`);
      used.add(slot);
      inv = kinds[slot] === 's';
      expr = inv ? `x${slot}[0]` : strided ? `x${slot}[i${slot}]` : `x${slot}[i]`;
    } else if (op === 'const') {
      if (args.length !== 1 || typeof args[0] !== 'number') throw jitError(`instruction ${j} (const) takes one number`);
      expr = formatNumber(args[0]);
      inv = true;
    } else {
      const refs = args.map((a) => `t${integerIn(a, j, `instruction ${j}'s argument`)}`);
      inv = args.every((a) => invariant[a as number]);
      if (op === 'cast') {
        if (refs.length !== 1) throw jitError(`instruction ${j} (cast) takes one argument`);
        expr = dtype === 'bool' ? fill(CAST_TO_BOOL, refs) : fill(store, refs);
      } else {
        const t = OP_TEMPLATES.get(op);
        if (t === undefined) throw jitError(`instruction ${j} uses an op the JIT does not know`);
        const template = (dtype === 'int32' || dtype === 'uint8') && t.int !== undefined ? t.int : t.float;
        if (refs.length !== arity(template)) throw jitError(`instruction ${j} has ${refs.length} arguments; the op takes ${arity(template)}`);
        expr = fill(store, [fill(template, refs)]);
      }
    }
    invariant.push(inv);
    (inv ? before : body).push(`const t${j} = ${expr};`);
  });
  const last = `t${program.length - 1}`;
  const slots = [...used].sort((a, b) => a - b);
  const lines = ['"use strict";', 'return function fusedLoop(ins, out, n, shape, strides) {'];
  for (const s of slots) lines.push(`  const x${s} = ins[${s}];`);
  lines.push(...before.map((l) => `  ${l}`));
  if (!strided) {
    lines.push('  for (let i = 0; i < n; i++) {', ...body.map((l) => `    ${l}`), `    out[i] = ${last};`, '  }');
  } else {
    const walked = slots.filter((s) => kinds[s] === 'b');
    lines.push('  const rank = shape.length;', '  const inner = shape[rank - 1];', '  const idx = new Int32Array(rank);');
    for (const s of walked) lines.push(`  const st${s} = strides[${s}];`, `  const in${s} = st${s}[rank - 1];`, `  let o${s} = 0;`);
    const init = ['j = 0', ...walked.map((s) => `i${s} = o${s}`)].join(', ');
    const step = ['j++', ...walked.map((s) => `i${s} += in${s}`)].join(', ');
    lines.push(
      '  for (let p = 0; p < n; ) {',
      `    for (let ${init}; j < inner; ${step}) {`,
      ...body.map((l) => `      ${l}`),
      `      out[p++] = ${last};`,
      '    }',
      // Odometer over the outer dimensions: step the last one, carrying into earlier ones.
      '    for (let d = rank - 2; d >= 0; d--) {',
      ...walked.map((s) => `      o${s} += st${s}[d];`),
      '      if (++idx[d] < shape[d]) break;',
      ...walked.map((s) => `      o${s} -= st${s}[d] * shape[d];`),
      '      idx[d] = 0;',
      '    }',
      '  }',
    );
  }
  lines.push('};');
  return lines.join('\n');
}
