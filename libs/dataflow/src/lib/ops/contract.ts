import type { DType } from '../core/dtype';
import { formatShape, SymShape } from '../core/shape';

/** Attribute values are JSON data, so a graph can be saved and validated without running code. */
export type AttrValue = number | boolean | string | null | readonly AttrValue[];
export type Attrs = Readonly<Record<string, AttrValue>>;

/** What is known of a value before it is computed: its dtype and (possibly symbolic) shape. */
export interface ValueInfo {
  readonly dtype: DType;
  readonly shape: SymShape;
}

/** What an op's inference returns: the output, and the attrs normalized (axes made non-negative, etc.). */
export interface Inferred extends ValueInfo {
  readonly attrs?: Attrs;
}

/**
 * How an op behaves, independent of any backend: the facts the optimizer, the vectorizer and the kernels
 * all rely on.
 * - elementwise: output[i] depends on input[i] only (after broadcasting); fusible.
 * - reduction: folds `attrs.axes` of input 0.
 * - view: the output is input 0's data with a new shape; no kernel runs.
 * - creation: no tensor inputs; evaluated at once even while tracing (the result becomes a constant).
 * - effect: runs for its side effect and has no output (ops.print).
 */
export type OpKind = 'elementwise' | 'reduction' | 'matmul' | 'layout' | 'view' | 'creation' | 'effect';

export interface OpContract {
  readonly name: string;
  /** Argument names in order, for error messages. A variadic op names one argument: `xs`. */
  readonly inputs: readonly string[];
  readonly variadic?: boolean;
  readonly kind: OpKind;
  /**
   * Which inputs take part in dtype promotion of plain JS numbers (weak values): 'all', or the indices.
   * Inputs outside the set that are plain values get their own weak dtype.
   */
  readonly promote?: 'all' | readonly number[];
  /** Validates the inputs and attrs and gives the output's dtype and shape; throws an OpError otherwise. */
  infer(inputs: readonly ValueInfo[], attrs: Attrs): Inferred;
}

/** An error in a call to an op, naming the op and the argument. */
export class OpError extends Error {
  constructor(
    readonly op: string,
    message: string,
  ) {
    super(message);
    this.name = 'OpError';
  }
}

/** `Argument 'b' passed to 'matmul' has shape [3,4]; expected [4,*]` */
export function argError(op: string, arg: string, what: string): OpError {
  return new OpError(op, `Argument '${arg}' passed to '${op}' ${what}`);
}

export function describe(info: ValueInfo): string {
  return `${info.dtype} ${formatShape(info.shape)}`;
}

const contracts = new Map<string, OpContract>();

export function registerContract(c: OpContract): void {
  if (contracts.has(c.name)) throw new Error(`Op contract '${c.name}' is already registered`);
  contracts.set(c.name, c);
}

export function getContract(name: string): OpContract {
  const c = contracts.get(name);
  if (c === undefined) throw new Error(`Unknown op '${name}'`);
  return c;
}

export function hasContract(name: string): boolean {
  return contracts.has(name);
}

export function contractNames(): string[] {
  return [...contracts.keys()];
}
