import { ExprGraph, FieldType, normalizeElement, OperatorDesc, OutSpec, StageIR } from '@weir/dataflow';
import { BARE } from './batch';
import { placeholderIR } from './placeholder-ir';
import { seedFields, traceIndexedFn, traceRowFn, traceStepFn, TraceResult } from './stage-trace';
import { schemaKey } from './schema';

export interface Schema {
  readonly fields: readonly FieldType[];
  readonly bare: boolean;
}

/**
 * Traces the chain ahead of running it, as far as schemas can be known statically: each traced stage's
 * output schema follows from its graph. Fills `cache` (position|schema -> trace) so the run reuses the traces.
 * Stages after one whose output is only known at run time (a graph break, a window) are traced when data
 * reaches them. Returns each position's trace (undefined where none was made ahead of time).
 */
export function propagate(
  ops: readonly OperatorDesc[], input: Schema, cache: Map<string, TraceResult>, optimize: (tr: TraceResult) => TraceResult = (tr) => tr,
): (TraceResult | undefined)[] {
  const traces: (TraceResult | undefined)[] = new Array(ops.length).fill(undefined);
  let schema: Schema | null = input;
  ops.forEach((o, position) => {
    if (schema === null) return;
    const k = `${position}|${schemaKey(schema.fields, schema.bare)}`;
    switch (o.kind) {
      case 'map': {
        const tr = cache.get(k) ?? optimize(traceIndexedFn(o.fn, schema.fields, schema.bare));
        cache.set(k, tr);
        traces[position] = tr;
        schema = 'expr' in tr ? outputSchema(tr.expr, schema) : null;
        break;
      }
      case 'filter':
      case 'keyBy': {
        const tr = cache.get(k) ?? optimize(o.kind === 'filter' ? traceIndexedFn(o.fn, schema.fields, schema.bare) : traceRowFn(o.fn, schema.fields, schema.bare));
        cache.set(k, tr);
        traces[position] = tr;
        break;
      }
      case 'scan':
      case 'reduce': {
        const tr = cache.get(k) ?? optimize(traceStepFn(o.fn, o.seed, schema.fields, schema.bare));
        cache.set(k, tr);
        traces[position] = tr;
        const acc = seedFields(normalizeElement(o.seed));
        schema = acc === null ? null : { fields: acc, bare: acc.length === 1 && acc[0].name === BARE };
        break;
      }
      case 'take': case 'skip': case 'tap':
        break;
      default:
        schema = null;
    }
  });
  return traces;
}

/**
 * The chain as stream IR from the traces `propagate` made ahead of time: what stream passes decide on before
 * data runs. A stage with no trace yet reads as a graph break ("not traced ahead of time").
 */
export function stagesAhead(ops: readonly OperatorDesc[], traces: readonly (TraceResult | undefined)[]): StageIR[] {
  return ops.map((o, position): StageIR => {
    const tr = traces[position];
    if (tr === undefined || !('expr' in tr)) return placeholderIR(o, position, tr?.breakReason ?? 'not traced ahead of time');
    const seed = o.kind === 'scan' || o.kind === 'reduce' ? { seed: o.seed } : {};
    return { kind: o.kind, position, expr: tr.expr, ...('traced' in tr ? { traced: tr.traced } : {}), ...seed } as StageIR;
  });
}

/** The schema of a traced map's output. */
export function outputSchema(g: ExprGraph, input: Schema): Schema | null {
  const field = (name: string, o: OutSpec): FieldType | null => {
    if (o.kind === 'node') {
      const n = g.nodes[o.id];
      if (n.shape.includes(null)) return null;
      if (n.shape.length === 0) return n.dtype === 'bool' ? { name, kind: 'boolean', dtype: 'bool' } : { name, kind: 'number', dtype: n.dtype };
      return { name, kind: 'tensor', dtype: n.dtype, shape: n.shape as number[] };
    }
    if (o.kind === 'passthrough') {
      const f = input.fields[o.input];
      return f === undefined ? null : { ...f, name };
    }
    if (o.kind === 'value') {
      if (typeof o.value === 'number') return { name, kind: 'number', dtype: 'float64' };
      if (typeof o.value === 'boolean') return { name, kind: 'boolean', dtype: 'bool' };
      return { name, kind: typeof o.value === 'string' ? 'string' : 'other' };
    }
    return null;
  };
  if (g.output.kind === 'record') {
    const fields = g.output.fields.map(([k, o]) => field(k, o));
    return fields.every((f) => f !== null) ? { fields: fields as FieldType[], bare: false } : null;
  }
  const f = field(BARE, g.output);
  return f === null ? null : { fields: [f], bare: true };
}
