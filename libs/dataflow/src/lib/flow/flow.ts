import type { FlowLike, OperatorDesc, SourceDesc } from './operator';

/**
 * A lazy description of a stream: a source and a chain of operator descriptors. Nothing runs until it is
 * evaluated (`eager(flow)`, `collect(flow)`, `compile(flow).run()`).
 *
 * ```ts
 * const flow = from([1, 2, 3]).pipe(map((x) => ops.mul(x, 2)), filter((y) => ops.greater(y, 2)));
 * ```
 */
export class Flow<T = unknown> implements FlowLike {
  /** Phantom: the element type, for inference only. */
  declare readonly __type?: T;

  constructor(
    readonly source: SourceDesc | null,
    readonly operators: readonly OperatorDesc[],
  ) {
    Object.freeze(operators);
  }

  /** A new Flow with the operators (or transforms' operators) appended. */
  pipe<O = unknown>(...items: (OperatorDesc | Transform<any, any>)[]): Flow<O> {
    return new Flow<O>(this.source, [...this.operators, ...flattenOperators(items, 'pipe')]);
  }
}

/**
 * An unbound chain of operators, applied with `flow.pipe(transform)` or compiled on its own and run on an
 * input later. A pipeline file's default export is one.
 */
export class Transform<I = unknown, O = unknown> {
  declare readonly __in?: I;
  declare readonly __out?: O;

  constructor(readonly operators: readonly OperatorDesc[]) {
    Object.freeze(operators);
  }

  /** Binds this transform to a source, giving a Flow. */
  bind(source: SourceDesc): Flow<O> {
    return new Flow<O>(source, this.operators);
  }
}

/** `pipeline(map(f), filter(p))`: an unbound Transform. */
export function pipeline<I = unknown, O = unknown>(...items: (OperatorDesc | Transform<any, any>)[]): Transform<I, O> {
  return new Transform<I, O>(flattenOperators(items, 'pipeline'));
}

export function isFlow(x: unknown): x is Flow {
  return x instanceof Flow;
}

export function isTransform(x: unknown): x is Transform {
  return x instanceof Transform;
}

function flattenOperators(items: readonly unknown[], where: string): OperatorDesc[] {
  const out: OperatorDesc[] = [];
  items.forEach((item, i) => {
    if (item instanceof Transform) out.push(...item.operators);
    else if (typeof item === 'object' && item !== null && typeof (item as OperatorDesc).kind === 'string') out.push(item as OperatorDesc);
    else throw new TypeError(`Argument ${i} passed to '${where}' is not an operator (map, filter, ...) or a pipeline(...)`);
  });
  return out;
}
