import { tensor } from '@weir/dataflow';
import type { DType, Ops, Tensor } from '@weir/dataflow';

/**
 * A random op graph as data: a small JSON-able program over named inputs, so a failing case prints as code a
 * person can read and fast-check can shrink it. `programFunction` turns it into the function users would
 * write, `(ops, ...inputs) => result`, which runs eagerly on tensors or traces on tracers.
 *
 * ```ts
 * const p: OpProgram = {
 *   inputs: [{ name: 'x0', kind: 'tensor', dtype: 'float32', shape: [2, 3] }],
 *   nodes: [{ op: 'sum', args: [{ input: 0 }], extra: [[1], true] }],
 *   outputs: [{ node: 0 }], outputTypes: [{ dtype: 'float32', shape: [2, 1] }], nodeTypes: [{ dtype: 'float32', shape: [2, 1] }],
 *   modeSensitive: false,
 * };
 * programFunction(p)(ops, tensor([[1, 2, 3], [4, 5, 6]])); // float32 [[6], [15]]
 * formatProgram(p); // '(x0: float32[2,3]) => {\n  const v0 = ops.sum(x0, [1], true);\n  return v0;\n}'
 * ```
 */
export type ProgramInput =
  | { readonly name: string; readonly kind: 'tensor'; readonly dtype: DType; readonly shape: readonly number[] }
  /** A plain JS number (weak, see dtype.ts). */
  | { readonly name: string; readonly kind: 'number' }
  /** A plain JS boolean. */
  | { readonly name: string; readonly kind: 'boolean' };

export type ValueType = { readonly dtype: DType; readonly shape: readonly number[] } | 'number' | 'boolean';

/** A tensor captured by the function (a constant in the traced graph). */
export interface ConstTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

export type ProgramArg =
  | { readonly input: number }
  | { readonly node: number }
  /** A plain JS number literal. */
  | { readonly num: number }
  | { readonly tensor: ConstTensor }
  /** A tensor made by a creation op inside the function (`ops.range(0, 3, 1, 'int32')`). */
  | { readonly create: Creation };

/** A creation-op call: `ops[op](...args)` makes a tensor of `dtype` and `shape`. */
export interface Creation {
  readonly op: 'fill' | 'ones' | 'zeros' | 'range' | 'eye';
  readonly args: readonly Json[];
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export type Json = number | boolean | string | null | readonly Json[];

export interface ProgramNode {
  /** An `ops` function name. */
  readonly op: string;
  readonly args: readonly ProgramArg[];
  /** The arguments after the tensors (axis, keepDims, shape, dtype...). */
  readonly extra: readonly Json[];
  /** The tensor arguments are passed as one array (concat, stack). */
  readonly list?: boolean;
  /** Called as a method on the first argument (`x.sum(...)`) rather than `ops.sum(x, ...)`. */
  readonly method?: boolean;
}

/** `cond` nodes take (pred, a, b) and call `ops.cond(pred, () => a, () => b)`. */
export const COND = 'cond';

export interface OpProgram {
  readonly inputs: readonly ProgramInput[];
  readonly nodes: readonly ProgramNode[];
  /** What the function returns: every node no other node reads (the last node last), or an input. */
  readonly outputs: readonly ProgramArg[];
  /** The type of each output as traced (a tensor's dtype and shape, or a plain JS number or boolean). */
  readonly outputTypes: readonly ValueType[];
  /** The type of each node's result as traced. */
  readonly nodeTypes: readonly ValueType[];
  /**
   * Whether some value's dtype or shape depends on how plain JS inputs are typed: a record's number field is a
   * weak *fractional* value when traced, but eagerly an integral number is a weak integer (int32 + 3 is int32
   * eagerly, float32 traced), and a boolean field is a strong bool when traced but weak eagerly. See
   * differential.spec.ts for why such programs are excluded from the pipeline properties for now.
   */
  readonly modeSensitive: boolean;
}

type OpFn = (...args: unknown[]) => unknown;

/** The traced type of an argument (literals included). */
export function argType(p: OpProgram, a: ProgramArg): ValueType {
  if ('node' in a) return p.nodeTypes[a.node];
  if ('num' in a) return 'number';
  if ('tensor' in a) return { dtype: a.tensor.dtype, shape: a.tensor.shape };
  if ('create' in a) return { dtype: a.create.dtype, shape: a.create.shape };
  const i = p.inputs[a.input];
  return i.kind === 'tensor' ? { dtype: i.dtype, shape: i.shape } : i.kind === 'boolean' ? { dtype: 'bool', shape: [] } : 'number';
}

/** Per node: whether its value depends on an input (so it is batched when the program runs as a map). */
export function dependsOnInputs(p: OpProgram): boolean[] {
  const out: boolean[] = [];
  for (const n of p.nodes) out.push(n.args.some((a) => 'input' in a || ('node' in a && out[a.node])));
  return out;
}

/** The rank of a traced type (0 for plain JS values). */
export function rankOfType(t: ValueType): number {
  return typeof t === 'string' ? 0 : t.shape.length;
}

/** The function the program stands for: it returns its one output, or an array of its outputs. */
export function programFunction(p: OpProgram): (o: Ops, ...inputs: unknown[]) => unknown {
  const all = programOutputs(p);
  return (o, ...inputs) => {
    const out = all(o, ...inputs);
    return out.length === 1 ? out[0] : out;
  };
}

/** The program as a function returning the list of its outputs. */
export function programOutputs(p: OpProgram): (o: Ops, ...inputs: unknown[]) => unknown[] {
  return (o, ...inputs) => {
    const values: unknown[] = [];
    const arg = (a: ProgramArg): unknown => resolveArg(a, inputs, values, o);
    for (const n of p.nodes) values.push(callNode(o, n, n.args.map(arg)));
    return p.outputs.map(arg);
  };
}

/** Runs one node on its resolved tensor arguments, as user code would call it. */
export function callNode(o: Ops, n: ProgramNode, xs: readonly unknown[]): unknown {
  if (n.op === COND) return o.cond(xs[0] as Tensor, () => xs[1] as Tensor, () => xs[2] as Tensor);
  if (n.method) return ((xs[0] as Record<string, OpFn>)[n.op] as OpFn).call(xs[0], ...xs.slice(1), ...n.extra);
  const f = (o as unknown as Record<string, OpFn>)[n.op];
  return n.list ? f(xs, ...n.extra) : f(...xs, ...n.extra);
}

/** A program argument's value, given the inputs and the values of the nodes before it. */
export function argValue(a: ProgramArg, inputs: readonly unknown[], values: readonly unknown[], o: Ops): unknown {
  return resolveArg(a, inputs, values, o);
}

function resolveArg(a: ProgramArg, inputs: readonly unknown[], values: readonly unknown[], o: Ops): unknown {
  if ('input' in a) return inputs[a.input];
  if ('node' in a) return values[a.node];
  if ('num' in a) return a.num;
  if ('tensor' in a) return tensor([...a.tensor.values], a.tensor.dtype, a.tensor.shape);
  return ((o as unknown as Record<string, OpFn>)[a.create.op] as OpFn)(...a.create.args);
}

/** The program as the code it stands for; `names` replaces the input names (e.g. `r.x0` in a map). */
export function formatProgram(p: OpProgram, names: readonly string[] = p.inputs.map((i) => i.name), indent = ''): string {
  const params = p.inputs.map((inp, i) => `${names[i]}: ${inputType(inp)}`).join(', ');
  return `(${params}) => ${formatBody(p, names, indent)}`;
}

/** The `{ ... return ...; }` block of the program; `ret` shows the returned outputs. */
export function formatBody(
  p: OpProgram, names: readonly string[], indent = '', ret: (outs: string[]) => string = (o) => (o.length === 1 ? o[0] : `[${o.join(', ')}]`),
): string {
  const arg = (a: ProgramArg): string => formatArg(a, names);
  const lines = p.nodes.map((n, i) => {
    const xs = n.args.map(arg);
    const extra = n.extra.map(formatJson);
    const call = n.op === COND
      ? `ops.cond(${xs[0]}, () => ${xs[1]}, () => ${xs[2]})`
      : n.method
      ? `${xs[0]}.${n.op}(${[...xs.slice(1), ...extra].join(', ')})`
      : `ops.${n.op}(${[n.list ? `[${xs.join(', ')}]` : xs.join(', '), ...extra].filter((s) => s !== '').join(', ')})`;
    return `${indent}  const v${i} = ${call};`;
  });
  return `{\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}${indent}  return ${ret(p.outputs.map(arg))};\n${indent}}`;
}

export function inputType(i: ProgramInput): string {
  return i.kind === 'tensor' ? `${i.dtype}[${i.shape.join(',')}]` : i.kind;
}

function formatArg(a: ProgramArg, names: readonly string[]): string {
  if ('input' in a) return names[a.input];
  if ('node' in a) return `v${a.node}`;
  if ('num' in a) return formatNumber(a.num);
  if ('tensor' in a) return `tensor(${formatJson(a.tensor.values)}, '${a.tensor.dtype}', ${formatJson(a.tensor.shape)})`;
  return `ops.${a.create.op}(${a.create.args.map(formatJson).join(', ')})`;
}

export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

export function formatJson(x: Json): string {
  if (typeof x === 'number') return formatNumber(x);
  if (typeof x === 'string') return `'${x}'`;
  if (Array.isArray(x)) return `[${x.map(formatJson).join(', ')}]`;
  return String(x);
}

