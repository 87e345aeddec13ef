import { Tensor, isTensor } from '../core/tensor';
import type { Attrs, ValueInfo } from '../ops/contract';
import { isSymbolic, Operand, SYMBOLIC } from '../ops/engine';
import type { ExprGraph, ExprNode, InputSpec, OutSpec } from '../ir/expr';
import { OpaqueField, SymbolicTensor, TraceSource } from './symbolic';

/** Thrown when a traced function returns something a graph cannot hold (a function, a class instance). */
export class UntraceableOutputError extends Error {
  constructor(readonly path: string, what: string) {
    super(`The traced function returns ${what} at ${path}; a graph can return tensors, numbers, booleans, strings, null, arrays and plain objects`);
    this.name = 'UntraceableOutputError';
  }
}

/** Records op calls on its tracers into an ExprGraph. One builder per trace; never shared between runs. */
export class GraphBuilder implements TraceSource {
  private readonly nodes: ExprNode[] = [];
  private readonly consts = new Map<number, Tensor>();
  private readonly constIds = new Map<Tensor, number>();
  private readonly effects: number[] = [];
  private readonly inputs: InputSpec[] = [];

  /** Adds an input and returns the value user code sees for it (a tracer, or an opaque string field). */
  input(spec: InputSpec): SymbolicTensor | OpaqueField {
    const index = this.inputs.length;
    this.inputs.push(spec);
    const id = this.push({ op: 'input', inputs: [], attrs: { index, name: spec.name }, dtype: spec.dtype, shape: spec.shape, weak: spec.weak });
    if (spec.opaque) return new OpaqueField(index, spec.name);
    return new SymbolicTensor(this, id, spec.dtype, spec.shape, spec.weak === true);
  }

  record(op: string, inputs: readonly Operand[], attrs: Attrs, out: ValueInfo): SymbolicTensor {
    const id = this.push({ op, inputs: inputs.map((x) => this.idOf(x)), attrs, dtype: out.dtype, shape: out.shape });
    return new SymbolicTensor(this, id, out.dtype, out.shape);
  }

  effect(op: string, inputs: readonly Operand[], attrs: Attrs): void {
    const id = this.push({ op, inputs: inputs.map((x) => this.idOf(x)), attrs, dtype: 'bool', shape: [] });
    this.effects.push(id);
  }

  producerOf(id: number): string {
    const n = this.nodes[id];
    return n.op === 'input' ? `input '${String(n.attrs.name)}'` : n.op;
  }

  /** Finishes the trace: turns the function's return value into the graph's output spec. */
  finish(result: unknown): ExprGraph {
    const output = this.outSpec(result, 'result');
    return { inputs: [...this.inputs], nodes: [...this.nodes], consts: new Map(this.consts), output, effects: [...this.effects] };
  }

  private outSpec(v: unknown, path: string): OutSpec {
    if (isSymbolic(v)) return { kind: 'node', id: this.idOf(v) };
    if (isTensor(v)) return { kind: 'node', id: this.constant(v) };
    if (v instanceof OpaqueField) return { kind: 'passthrough', input: v.input };
    if (v === null || v === undefined) return { kind: 'value', value: null };
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return { kind: 'value', value: v };
    if (Array.isArray(v)) return { kind: 'array', items: v.map((x, i) => this.outSpec(x, `${path}[${i}]`)) };
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return { kind: 'record', fields: Object.entries(v as object).map(([k, x]) => [k, this.outSpec(x, `${path}.${k}`)] as const) };
    }
    throw new UntraceableOutputError(path, typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `a ${typeof v}`);
  }

  private idOf(x: Operand): number {
    if (isSymbolic(x)) {
      if (x[SYMBOLIC] !== this) {
        throw new Error('A tracer from another trace was used here: a traced value cannot leave the function that traced it (return it instead)');
      }
      return (x as SymbolicTensor).id;
    }
    return this.constant(x);
  }

  private constant(t: Tensor): number {
    const known = this.constIds.get(t);
    if (known !== undefined) return known;
    const id = this.push({ op: 'const', inputs: [], attrs: {}, dtype: t.dtype, shape: t.shape });
    this.consts.set(id, t);
    this.constIds.set(t, id);
    return id;
  }

  private push(n: Omit<ExprNode, 'id'>): number {
    const id = this.nodes.length;
    this.nodes.push({ id, ...n });
    return id;
  }
}
