import { ExprGraph, PassRecord, FieldType, formatShape, isTensor, normalizeElement, OutSpec, Tensor, TracerConversionError, traceGraph, UntraceableOutputError } from '@weir/dataflow';
import { BARE } from './batch';
import { inputSpecs } from './schema';

export type TraceResult =
  | { readonly expr: ExprGraph; readonly traced?: ExprGraph; readonly passLog?: readonly PassRecord[] }
  | { readonly breakReason: string };

/**
 * Traces a per-element callback `f(x, index)` for rows of `fields`. A callback that cannot be traced is not a
 * failure: the result names the reason, and the stage runs per element (a graph break).
 */
export function traceRowFn(f: (x: any, i: number) => unknown, fields: readonly FieldType[], bare: boolean, arrayOutput = false): TraceResult {
  return guard(
    () => traceGraph(inputSpecs(fields), (values) => [bare ? values[0] : rowOf(fields, values), 0], f as (...a: unknown[]) => unknown),
    arrayOutput,
  );
}

/**
 * Traces a map, filter or flatMap callback, which also receives the element's index: one that declares that
 * second parameter is a graph break (a trace would bake in index 0).
 */
export function traceIndexedFn(f: (x: any, i: number) => unknown, fields: readonly FieldType[], bare: boolean, arrayOutput = false): TraceResult {
  if (f.length >= 2) return { breakReason: 'it uses the element index (its second argument)' };
  return traceRowFn(f, fields, bare, arrayOutput);
}

/** The seed of a scan/reduce as tracing inputs: numbers and tensors, or a flat record of them. */
export function seedFields(seed: unknown): FieldType[] | null {
  const one = (name: string, v: unknown): FieldType | null =>
    typeof v === 'number' ? { name, kind: 'number', dtype: 'float64' }
      : typeof v === 'boolean' ? { name, kind: 'boolean', dtype: 'bool' }
        : isTensor(v) ? { name, kind: 'tensor', dtype: v.dtype, shape: v.shape } : null;
  if (typeof seed === 'object' && seed !== null && !isTensor(seed) && !Array.isArray(seed)) {
    const fields = Object.entries(seed).map(([k, v]) => one(k, v));
    return fields.every((f) => f !== null) ? (fields as FieldType[]) : null;
  }
  const f = one(BARE, seed);
  return f === null ? null : [f];
}

/** Traces `f(acc, x, key)` with the accumulator's fields first, then the row's. */
export function traceStepFn(
  f: (acc: any, x: any, key?: unknown) => unknown, seed: unknown, fields: readonly FieldType[], bare: boolean,
): TraceResult {
  // The accumulator is normalized like any element, the seed included (eager scan/reduce do the same).
  const acc = seedFields(normalizeElement(seed));
  if (acc === null) return { breakReason: 'its seed is not a number, boolean, tensor or flat record of them' };
  const accBare = acc.length === 1 && acc[0].name === BARE;
  const tr = guardStep(acc, accBare, fields, bare, f);
  if (!('expr' in tr)) return tr;
  const changed = accumulatorChange(tr.expr, acc, accBare);
  return changed === null
    ? tr
    : { breakReason: `its accumulator changes type after the first step (${changed}); seed it with a value of the type it keeps (e.g. ops.zeros(shape, dtype))` };
}

/** What differs between the seed's types and the step's result types, or null when they agree. */
function accumulatorChange(g: ExprGraph, acc: readonly FieldType[], accBare: boolean): string | null {
  const describeField = (f: FieldType | undefined) =>
    f === undefined ? 'missing' : f.kind === 'tensor' ? `${f.dtype}${formatShape(f.shape ?? [])}` : f.kind;
  const typeOf = (o: OutSpec | undefined): FieldType | undefined => {
    if (o === undefined) return undefined;
    if (o.kind === 'node') {
      const n = g.nodes[o.id];
      if (n.shape.length === 0) return { name: '', kind: n.dtype === 'bool' ? 'boolean' : 'number' };
      return { name: '', kind: 'tensor', dtype: n.dtype, shape: n.shape as number[] };
    }
    if (o.kind === 'value') return { name: '', kind: typeof o.value === 'number' ? 'number' : typeof o.value === 'boolean' ? 'boolean' : 'other' };
    if (o.kind === 'passthrough') return g.inputs[o.input] ? acc.find((f) => 'acc.' + (f.name || 'x') === g.inputs[o.input].name) : undefined;
    return { name: '', kind: 'other' };
  };
  const same = (a: FieldType, b: FieldType | undefined) =>
    b !== undefined && a.kind === b.kind && (a.kind !== 'tensor' || (a.dtype === b.dtype && formatShape(a.shape ?? []) === formatShape(b.shape ?? [])));
  if (accBare) {
    const out = typeOf(g.output);
    return same(acc[0], out) ? null : `${describeField(acc[0])} -> ${describeField(out)}`;
  }
  if (g.output.kind !== 'record') return `a record -> a ${g.output.kind}`;
  const outFields = new Map(g.output.fields);
  if (outFields.size !== acc.length) return `fields ${acc.map((f) => f.name).join(',')} -> ${[...outFields.keys()].join(',')}`;
  for (const f of acc) {
    const t = typeOf(outFields.get(f.name));
    if (!same(f, t)) return `field '${f.name}': ${describeField(f)} -> ${describeField(t)}`;
  }
  return null;
}

function guardStep(
  acc: readonly FieldType[], accBare: boolean, fields: readonly FieldType[], bare: boolean, f: (acc: any, x: any, key?: unknown) => unknown,
): TraceResult {
  return guard(() =>
    traceGraph(
      [...inputSpecs(acc, 'acc.'), ...inputSpecs(fields)],
      (values) => {
        const a = values.slice(0, acc.length);
        const x = values.slice(acc.length);
        return [accBare ? a[0] : rowOf(acc, a), bare ? x[0] : rowOf(fields, x), undefined];
      },
      f as (...a: unknown[]) => unknown,
    ),
  );
}

function rowOf(fields: readonly FieldType[], values: unknown[]): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  fields.forEach((f, i) => (r[f.name] = values[i]));
  return r;
}

function guard(trace: () => ExprGraph, arrayOutput = false): TraceResult {
  try {
    const expr = trace();
    const bad = arrayOutput
      ? expr.output.kind !== 'array'
        ? 'it does not return an array'
        : expr.output.items.map(unsupportedOutput).find((r) => r !== null) ?? null
      : unsupportedOutput(expr.output);
    return bad === null ? { expr } : { breakReason: bad };
  } catch (e) {
    if (e instanceof TracerConversionError || e instanceof UntraceableOutputError) return { breakReason: e.message };
    // Anything else thrown while tracing (a library call on a tracer, a TypeError...) also means "run it per
    // element"; if it is a real bug in the callback, running it per element reports it with the element.
    return { breakReason: `tracing threw: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Stages emit records or bare values; nested arrays of tensors per row are not columns. */
function unsupportedOutput(o: OutSpec): string | null {
  if (o.kind === 'array') return 'it returns an array per element (a variable-length value is not a column)';
  if (o.kind === 'record') {
    for (const [k, v] of o.fields) if (v.kind === 'array' || v.kind === 'record') return `its output field '${k}' is a nested ${v.kind}`;
  }
  return null;
}

export type { Tensor };
