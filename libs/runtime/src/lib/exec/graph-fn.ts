import { ExprGraph, InputSpec, isTensor, normalizeElement, prepareGraph, scalar } from '@weir/dataflow';

/** A JS value as a graph input of `spec`: numbers and booleans become scalar tensors. */
function toInput(spec: InputSpec, v: unknown, where: string): unknown {
  if (spec.opaque) return v;
  if (typeof v === 'number' || typeof v === 'boolean') return scalar(v, spec.dtype);
  if (isTensor(v)) return v;
  throw new TypeError(`${where}: field '${spec.name}' is ${v === null ? 'null' : typeof v}; the compiled stage expects ${spec.dtype}[${spec.shape.join(',')}]`);
}

function fieldOf(x: unknown, name: string, prefix: string): unknown {
  const key = name.slice(prefix.length);
  if (key === 'x' && (typeof x !== 'object' || x === null || isTensor(x))) return x;
  return (x as Record<string, unknown>)[key];
}

/**
 * A traced per-element callback as a plain function again: runs its graph on one element. Loaded plans use
 * these in place of the user's code, and traced keyBy/scan/reduce callbacks run through them, so a saved
 * plan behaves exactly as the run that compiled it.
 */
export function graphRowFn(g: ExprGraph, label: string): (x: unknown) => unknown {
  const prepared = prepareGraph(g);
  return (x) => normalizeElement(prepared.run(g.inputs.map((s) => toInput(s, fieldOf(x, s.name, ''), label))));
}

/** The same for a scan/reduce step `(acc, x)`: inputs named `acc.*` come from the accumulator. */
export function graphStepFn(g: ExprGraph, label: string): (acc: unknown, x: unknown) => unknown {
  const prepared = prepareGraph(g);
  return (acc, x) =>
    normalizeElement(
      prepared.run(g.inputs.map((s) => toInput(s, s.name.startsWith('acc.') ? fieldOf(acc, s.name, 'acc.') : fieldOf(x, s.name, ''), label))),
    );
}
