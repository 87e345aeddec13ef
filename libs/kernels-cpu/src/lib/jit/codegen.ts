import { jitError, programSource } from './program-source';

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

/**
 * The source of one loop for a fused program (format: dataflow's contracts/fused.ts). The text is built only
 * from the fixed tables in templates.ts, identifiers made here from validated integers, and numbers through
 * formatNumber (programSource); any other op name, dtype, reference or constant is an error, whatever the
 * contract said. Instructions that depend on no per-element input are computed once, before the loop.
 *
 * ```ts
 * generateLoopSource([['input', 'float32', 0], ['const', 'float32', 2], ['mul', 'float32', 0, 1]], 'f');
 * // "use strict"; return function fusedLoop(ins, out, n, shape, strides) { ... out[i] = t2; ... }
 * ```
 */
export function generateLoopSource(program: unknown, kinds: InputKinds): string {
  if (!/^[fsb]*$/.test(kinds)) throw jitError('fused', `input kinds '${kinds.slice(0, 20)}' are not f/s/b`);
  const strided = kinds.includes('b');
  const src = programSource('fused', program, kinds.length, (s) =>
    kinds[s] === 's' ? { expr: `x${s}[0]`, level: 0 } : { expr: strided ? `x${s}[i${s}]` : `x${s}[i]`, level: 1 });
  const before = src.lines.filter((l) => l.level === 0).map((l) => l.text);
  const body = src.lines.filter((l) => l.level > 0).map((l) => l.text);
  const last = src.result;
  const slots = src.used;
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
