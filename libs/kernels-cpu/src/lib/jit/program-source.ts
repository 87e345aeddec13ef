import { formatNumber } from './number-format';
import { CAST_TO_BOOL, fill, OP_TEMPLATES, STORE } from './templates';

/** How generated code reads one input slot: an expression over generated names, and its loop level. */
export interface SlotRead {
  readonly expr: string;
  /** 0: before every loop; higher: inside the loop of that depth. */
  readonly level: number;
}

/** A fused program as source lines, each `const tJ = ...;` placed at the level of the loop it must run in. */
export interface ProgramSource {
  readonly lines: readonly { readonly text: string; readonly level: number }[];
  /** The input slots the program reads, ascending. */
  readonly used: readonly number[];
  /** The identifier holding the result (the last instruction). */
  readonly result: string;
  /** The result's dtype, one of STORE's keys. */
  readonly dtype: string;
}

/** An error in a program handed to the JIT, naming the op whose kernel refused it. */
export function jitError(op: string, what: string): Error {
  return new Error(`'${op}' program ${what}`);
}

function arity(template: string): number {
  let n = 0;
  for (const m of template.matchAll(/\$([0-2])/g)) n = Math.max(n, Number(m[1]) + 1);
  return n;
}

/**
 * Translates a fused program (format: dataflow's contracts/fused.ts) into source lines, for the loops of
 * codegen.ts and reduce-codegen.ts. The text is built only from the fixed tables in templates.ts,
 * identifiers made here from validated integers, `read`'s expressions (which the callers build from their own
 * tables) and numbers through formatNumber; any other op name, dtype, reference or constant is an error
 * naming `op`, whatever the contract said. An instruction's level is the highest of what it reads, so work
 * that does not change in an inner loop is hoisted out of it.
 *
 * ```ts
 * programSource('fused', [['input', 'float32', 0], ['neg', 'float32', 0]], 1, () => ({ expr: 'x0[i]', level: 1 }));
 * // { lines: [{ text: 'const t0 = x0[i];', level: 1 }, { text: 'const t1 = Math.fround((-t0));', level: 1 }], ... }
 * ```
 */
export function programSource(op: string, program: unknown, slots: number, read: (slot: number) => SlotRead): ProgramSource {
  if (!Array.isArray(program) || program.length === 0) throw jitError(op, 'is not a non-empty list of instructions');
  const integerIn = (v: unknown, below: number, what: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= below) throw jitError(op, `${what} is not an integer in [0, ${below})`);
    return v;
  };
  const lines: { text: string; level: number }[] = [];
  const used = new Set<number>();
  let dtype = '';
  program.forEach((raw: unknown, j: number) => {
    if (!Array.isArray(raw) || raw.length < 2) throw jitError(op, `instruction ${j} is not [op, dtype, ...args]`);
    const [name, dt, ...args] = raw as unknown[];
    const store = typeof dt === 'string' ? STORE.get(dt) : undefined;
    if (typeof name !== 'string' || store === undefined) throw jitError(op, `instruction ${j} has an unknown op or dtype`);
    let expr: string;
    let level: number;
    if (name === 'input') {
      if (args.length !== 1) throw jitError(op, `instruction ${j} (input) takes one slot`);
      const slot = integerIn(args[0], slots, `instruction ${j}'s input slot`);
      used.add(slot);
      ({ expr, level } = read(slot));
    } else if (name === 'const') {
      if (args.length !== 1 || typeof args[0] !== 'number') throw jitError(op, `instruction ${j} (const) takes one number`);
      expr = formatNumber(args[0]);
      level = 0;
    } else {
      const refs = args.map((a) => integerIn(a, j, `instruction ${j}'s argument`));
      const names = refs.map((a) => `t${a}`);
      level = Math.max(0, ...refs.map((a) => lines[a].level));
      if (name === 'cast') {
        if (names.length !== 1) throw jitError(op, `instruction ${j} (cast) takes one argument`);
        expr = dt === 'bool' ? fill(CAST_TO_BOOL, names) : fill(store, names);
      } else {
        const t = OP_TEMPLATES.get(name);
        if (t === undefined) throw jitError(op, `instruction ${j} uses an op the JIT does not know`);
        const template = (dt === 'int32' || dt === 'uint8') && t.int !== undefined ? t.int : t.float;
        if (names.length !== arity(template)) throw jitError(op, `instruction ${j} has ${names.length} arguments; the op takes ${arity(template)}`);
        expr = fill(store, [fill(template, names)]);
      }
    }
    lines.push({ text: `const t${j} = ${expr};`, level });
    dtype = dt as string;
  });
  return { lines, used: [...used].sort((a, b) => a - b), result: `t${program.length - 1}`, dtype };
}
