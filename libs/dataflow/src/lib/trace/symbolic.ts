import type { DType } from '../core/dtype';
import { installMethods } from '../core/methods';
import { formatShape, SymShape } from '../core/shape';
import { Recorder, SYMBOLIC, Symbolic } from '../ops/engine';
import { ops } from '../ops/ops';

/**
 * Thrown when traced code uses a tracer as a plain JS value (`x > 0`, `x * 2`, `${x}`, Math.sqrt(x)): the
 * value is not known until the graph runs. Inside a pipeline callback this makes the stage a graph break
 * (run per element); inside `fn` it is an error.
 */
export class TracerConversionError extends Error {
  constructor(
    readonly producer: string,
    readonly as: string,
  ) {
    super(
      `Cannot use a traced tensor (the output of op '${producer}') as a JS ${as} while tracing: its value is ` +
        `only known when the graph runs. Choose by value with ops.where(cond, a, b) or ops.cond(pred, thenFn, elseFn), ` +
        `compute with ops (ops.mul(x, 2), not x * 2), or debug with setRunEagerly(true).`,
    );
    this.name = 'TracerConversionError';
  }
}

/** A string field seen while tracing a pipeline callback: it can only be passed through to the output. */
export class OpaqueField {
  constructor(
    readonly input: number,
    readonly name: string,
  ) {}
  [Symbol.toPrimitive](): never {
    throw new TracerConversionError(`input '${this.name}'`, 'value (a string field can only be passed through in a traced stage)');
  }
}

/** What the dispatcher and the graph builder need of a tracer's producer. */
export interface TraceSource extends Recorder {
  producerOf(id: number): string;
}

/**
 * A symbolic tensor: a dtype and a (per-element) shape standing for a value that the graph computes later.
 * It has the Tensor methods, so the same user code runs on either.
 */
export class SymbolicTensor implements Symbolic {
  readonly [SYMBOLIC]: TraceSource;

  constructor(
    source: TraceSource,
    readonly id: number,
    readonly dtype: DType,
    readonly shape: SymShape,
    readonly weak = false,
  ) {
    this[SYMBOLIC] = source;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number | null {
    return this.shape.some((d) => d === null) ? null : (this.shape as number[]).reduce((a, b) => a * b, 1);
  }

  [Symbol.toPrimitive](hint: string): never {
    throw new TracerConversionError(this[SYMBOLIC].producerOf(this.id), hint === 'string' ? 'string' : 'number or boolean');
  }

  get data(): never {
    throw new TracerConversionError(this[SYMBOLIC].producerOf(this.id), 'array (.data)');
  }

  item(): never {
    throw new TracerConversionError(this[SYMBOLIC].producerOf(this.id), 'number (.item())');
  }

  toArray(): never {
    throw new TracerConversionError(this[SYMBOLIC].producerOf(this.id), 'array (.toArray())');
  }

  toString(): string {
    return `SymbolicTensor(${this.dtype}, ${formatShape(this.shape)}, from '${this[SYMBOLIC].producerOf(this.id)}')`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

installMethods(SymbolicTensor.prototype, ops as unknown as Record<string, (...args: any[]) => unknown>);
