import { registerAttrFormatter } from '@weir/dataflow';
import type { AttrValue } from '@weir/dataflow';

const INFIX: ReadonlyMap<unknown, string> = new Map([['add', '+'], ['sub', '-'], ['mul', '*'], ['div', '/']]);

/**
 * A fused program as an expression a person can read, for explain(): slots are `%0`, `%1` (the fused node's
 * inputs), constants are numbers, and a value used more than once is named once (`v2 = ...; ...`).
 *
 * ```ts
 * formatFusedProgram(node.attrs.program); // 'relu((%0 * 2) + %1)'
 * ```
 */
export function formatFusedProgram(program: AttrValue | undefined): string {
  if (!Array.isArray(program)) return '?';
  const instrs = program.map((i) => (Array.isArray(i) ? i : []));
  const uses = new Array<number>(instrs.length).fill(0);
  instrs.forEach(([op, , ...args]) => {
    if (op !== 'input' && op !== 'const') for (const a of args) if (typeof a === 'number') uses[a]++;
  });
  // Each value's text, and whether it is an infix expression (wrapped in parentheses inside another one).
  const text: { s: string; infix: boolean }[] = [];
  const lets: string[] = [];
  instrs.forEach(([op, dtype, ...args], j) => {
    const arg = (k: number): string => text[args[k] as number]?.s ?? '?';
    const operand = (k: number): string => (text[args[k] as number]?.infix ? `(${arg(k)})` : arg(k));
    let t = { s: '', infix: false };
    if (op === 'input') t.s = `$${String(args[0])}`; // the fused node's own inputs: $0 is its first argument
    else if (op === 'const') t.s = Object.is(args[0], -0) ? '-0' : String(args[0]); // String(-0) is '0'
    else if (op === 'cast') t.s = `cast(${arg(0)}, ${String(dtype)})`;
    else if (INFIX.has(op) && args.length === 2) t = { s: `${operand(0)} ${INFIX.get(op)} ${operand(1)}`, infix: true };
    else t.s = `${String(op)}(${args.map((_, k) => arg(k)).join(', ')})`;
    if (uses[j] > 1 && op !== 'input' && op !== 'const') {
      lets.push(`v${j} = ${t.s}`);
      t = { s: `v${j}`, infix: false };
    }
    text.push(t);
  });
  return [...lets, text[text.length - 1]?.s ?? '?'].join('; ');
}

// explain() shows fused nodes as the expression they compute.
registerAttrFormatter('fused', (attrs) => formatFusedProgram(attrs.program));
