import { BINARY_OPS, isTensor, ops, tensor, Tensor } from '@weir/dataflow';
import type { DType } from '@weir/dataflow';
import { constTensor, creation } from './choices';
import { callNode, OpProgram, ProgramArg, ProgramInput, ProgramNode, ValueType } from './op-program';

export interface BuildOptions {
  /** Operands the step needs (a matmul partner, a broadcast partner) may become new inputs. */
  readonly newInputs?: boolean;
  readonly maxInputs?: number;
  /** A step whose result has more elements than this is dropped. */
  readonly maxElements?: number;
  readonly maxRank?: number;
}

/** A value of the program being built, with its probe value in each mode (see build-program.ts). */
export interface Val {
  readonly arg: ProgramArg;
  readonly probes: readonly unknown[];
}

const MODES = 3;

/**
 * The state of one program being built. `apply` is the gate every node passes: it runs the node on each mode's
 * probes and keeps it only if that works and the result is small enough.
 */
export class ProgramBuilder {
  readonly inputs: ProgramInput[] = [];
  readonly nodes: ProgramNode[] = [];
  readonly vals: Val[] = [];
  private readonly inputVals: Val[] = [];
  private readonly nodeVals: Val[] = [];
  private sensitive = false;
  private readonly newInputs: boolean;
  private readonly maxInputs: number;
  private readonly maxElements: number;
  private readonly maxRank: number;

  constructor(declared: readonly ProgramInput[], options: BuildOptions) {
    this.newInputs = options.newInputs ?? true;
    this.maxInputs = options.maxInputs ?? 4;
    this.maxElements = options.maxElements ?? 256;
    this.maxRank = options.maxRank ?? 4;
    for (const d of declared) this.addInput(d);
  }

  /** The program: its outputs are the nodes no other node reads (or the last input when there are no nodes). */
  finish(): OpProgram {
    const read = new Set<number>();
    for (const n of this.nodes) for (const a of n.args) if ('node' in a) read.add(a.node);
    const leaves = this.nodes.flatMap((_, i) => (read.has(i) ? [] : [{ node: i }]));
    const outputs: ProgramArg[] = leaves.length > 0 ? leaves : [{ input: Math.max(0, this.inputs.length - 1) }];
    const outputTypes = outputs.map((o) => typeOf('node' in o ? this.nodeVals[o.node] : this.inputVals[(o as { input: number }).input]));
    return { inputs: this.inputs, nodes: this.nodes, outputs, outputTypes, nodeTypes: this.nodeVals.map(typeOf), modeSensitive: this.sensitive };
  }

  private addInput(d: ProgramInput): Val {
    const probes = d.kind === 'tensor' ? repeat(ones(d.dtype, d.shape)) : d.kind === 'number' ? [0.5, 2, 0.5] : [tensor(true, 'bool'), true, true];
    const v: Val = { arg: { input: this.inputs.length }, probes };
    this.inputs.push(d);
    this.inputVals.push(v);
    this.vals.push(v);
    return v;
  }

  /** A value satisfying `pred`, chosen by `sel` among the candidates (0: the most recent). */
  pick(pred: (v: Val) => boolean, sel: number): Val | null {
    const cs = this.vals.filter(pred);
    return cs.length === 0 ? null : cs[cs.length - 1 - (sel % cs.length)];
  }

  /** The candidates satisfying `pred`, most recent first, starting from `sel`. */
  rotate(pred: (v: Val) => boolean, sel: number): Val[] {
    const cs = this.vals.filter(pred).reverse();
    if (cs.length === 0) return cs;
    const k = sel % cs.length;
    return [...cs.slice(k), ...cs.slice(0, k)];
  }

  /** Adds the node when it runs on every probe and its result is small enough; returns its value or null. */
  apply(op: string, args: readonly (Val | ProgramArg)[], extra: ProgramNode['extra'] = [], flags: { list?: boolean; method?: boolean } = {}): Val | null {
    let vals: Val[];
    try {
      vals = args.map((a) => ('probes' in a ? a : literal(a)));
    } catch {
      return null;
    }
    const method = flags.method === true && vals[0] !== undefined && vals[0].probes.every(isTensor);
    const node: ProgramNode = { op, args: vals.map((v) => v.arg), extra, ...(flags.list ? { list: true } : {}), ...(method ? { method: true } : {}) };
    const probes: Tensor[] = [];
    for (let m = 0; m < MODES; m++) {
      let out: unknown;
      try {
        out = callNode(ops, node, vals.map((v) => v.probes[m]));
      } catch {
        return null;
      }
      if (!isTensor(out) || out.size > this.maxElements || out.rank > this.maxRank + 1) return null;
      probes.push(out);
    }
    if (probes.some((p) => p.dtype !== probes[0].dtype || p.shape.join() !== probes[0].shape.join())) this.sensitive = true;
    // A comparison or a division hides the dtype its operands were promoted to; maximum shows it.
    const promoted = PROMOTING.has(op) ? vals.slice(op === 'where' ? 1 : 0) : [];
    if (promoted.length === 2 && new Set(probes.map((_, m) => promotedDType(promoted[0].probes[m], promoted[1].probes[m]))).size > 1) {
      this.sensitive = true;
    }
    const v: Val = { arg: { node: this.nodes.length }, probes };
    this.nodes.push(node);
    this.nodeVals.push(v);
    this.vals.push(v);
    return v;
  }

  /** An operand of `shape` and `dtype` the program does not have yet: a new input, a creation op or a literal. */
  partner(shape: readonly number[], dtype: DType, sel: number): Val {
    if (this.newInputs && this.inputs.length < this.maxInputs && sel % 3 === 0) {
      return this.addInput({ name: `x${this.inputs.length}`, kind: 'tensor', dtype, shape });
    }
    const made = sel % 3 === 1 ? creation(shape, dtype, sel >> 2) : null;
    if (made !== null) {
      try {
        return literal({ create: made });
      } catch {
        // A creation op that rejects these arguments: fall back to a literal.
      }
    }
    return literal({ tensor: constTensor(dtype, shape, sel) });
  }
}

const PROMOTING = new Set<string>([...BINARY_OPS, 'where']);

function promotedDType(a: unknown, b: unknown): string {
  try {
    return ops.maximum(a as Tensor, b as Tensor).dtype;
  } catch {
    return 'error';
  }
}

function typeOf(v: Val): ValueType {
  const p = v.probes[0];
  return isTensor(p) ? { dtype: p.dtype, shape: p.shape } : typeof p === 'boolean' ? 'boolean' : 'number';
}

/** A literal argument as a value: the same probe in every mode (it does not depend on the inputs). */
function literal(a: ProgramArg): Val {
  if ('num' in a) return { arg: a, probes: repeat(a.num) };
  if ('tensor' in a) return { arg: a, probes: repeat(tensor([...a.tensor.values], a.tensor.dtype, a.tensor.shape)) };
  if ('create' in a) {
    const t = (ops as unknown as Record<string, (...x: unknown[]) => Tensor>)[a.create.op](...a.create.args);
    if (t.dtype !== a.create.dtype || t.shape.join() !== a.create.shape.join()) throw new Error(`${a.create.op} made ${t.dtype}[${t.shape}]`);
    return { arg: a, probes: repeat(t) };
  }
  throw new Error(`literal: ${JSON.stringify(a)} is not a literal`);
}

function repeat(x: unknown): unknown[] {
  return Array.from({ length: MODES }, () => x);
}

function ones(dtype: DType, shape: readonly number[]): Tensor {
  return tensor(new Array(shape.reduce((p, d) => p * d, 1)).fill(1), dtype, shape);
}
