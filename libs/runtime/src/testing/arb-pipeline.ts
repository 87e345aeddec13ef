import fc from 'fast-check';
import type { DType } from '@weir/dataflow';
import { arbDType, arbInput, arbPool, arbShape, arbStep, withToString } from './arb-op-graph';
import { buildProgram, Step } from './build-program';
import type { ProgramInput, ValueType } from './op-program';
import { formatPipeline } from './pipeline-format';
import { ElementT, FieldT, fieldsOf, pipelineFeatures } from './pipeline-features';
import type { AccSpec, FilterTest, PipelineCase, ScalarOf, SourceSpec, StageSpec } from './pipeline';

export interface ArbPipelineOptions {
  readonly maxStages?: number;
  readonly maxRows?: number;
  readonly maxBatchSize?: number;
}

const STAGES = [
  'map', 'map', 'filter', 'filter', 'scan', 'reduce', 'keyBy', 'keyBy', 'countWindow', 'timeWindow', 'batch', 'take', 'skip',
] as const;
const THRESHOLDS = [0, 0.5, -1, 2, 10];
const CMPS = ['greater', 'less', 'greaterEqual', 'lessEqual', 'notEqual'] as const;
const REDS = ['sum', 'max', 'min', 'mean'] as const;
const META = new Set(['id', 'k', 't']);

/**
 * Random pipelines over random record streams: chains of map (tensor math on fields, as OpPrograms), filter
 * (a comparison computed with ops), scan and reduce (six accumulators, pipeline.ts AccSpec), keyBy (by a field, a computed
 * number or a computed boolean) followed by keyed scan/reduce/windows, count windows, event-time windows (with
 * jittered, sometimes late, events and allowed lateness), batch, take and skip; with a random batch size for
 * the graph run. Each stage is built from random choices checked against the element type the stages before
 * it produce, so every generated pipeline is valid eagerly; shrinking drops stages and simplifies choices.
 */
export function arbPipeline(options: ArbPipelineOptions = {}): fc.Arbitrary<PipelineCase> {
  const records = fc
    .integer({ min: 1, max: 3 })
    .chain((n) => fc.tuple(...['a', 'b', 'c'].slice(0, n).map((name) => arbInput(name))))
    .map((data): SourceSpec => ({ kind: 'records', data }));
  const source: fc.Arbitrary<SourceSpec> = fc.oneof(
    { arbitrary: records, weight: 6 },
    { arbitrary: fc.constant<SourceSpec>({ kind: 'numbers' }), weight: 1 },
    { arbitrary: fc.record({ dtype: arbDType, shape: arbShape }).map((t): SourceSpec => ({ kind: 'tensors', ...t })), weight: 1 },
  );
  const stages = fc.array(fc.tuple(arbStep, fc.array(arbStep, { maxLength: 5 })), { minLength: 1, maxLength: options.maxStages ?? 5 });
  return fc
    .record({
      source,
      stages,
      rows: fc.nat({ max: options.maxRows ?? 30 }),
      batchSize: fc.integer({ min: 1, max: options.maxBatchSize ?? 9 }),
      pool: arbPool,
    })
    .map((r) => withToString(buildPipeline(r.source, r.stages, r.rows, r.batchSize, r.pool), formatPipeline));
}

/** Builds a valid pipeline from choices (see arbPipeline). */
export function buildPipeline(
  source: SourceSpec, choices: readonly (readonly [Step, readonly Step[]])[], rows: number, batchSize: number, pool: readonly number[],
): PipelineCase {
  let elem = sourceType(source);
  let keyed = false;
  const stages: StageSpec[] = [];
  const types: ElementT[] = [elem];
  choices.forEach(([c, steps], index) => {
    const made = makeStage(STAGES[c[0] % STAGES.length], c, steps, elem, keyed, index);
    if (made === null) return;
    stages.push(made.stage);
    types.push(made.next);
    // Eager keying: keyBy starts it, batch ends it (eager/src/lib/operators/index.ts).
    if (made.stage.kind === 'keyBy') keyed = true;
    if (made.stage.kind === 'batch') keyed = false;
    elem = made.next;
  });
  return { source, rows, pool, stages, batchSize, features: pipelineFeatures(stages, types) };
}

function sourceType(s: SourceSpec): ElementT {
  if (s.kind === 'numbers') return { kind: 'bare', field: { kind: 'number' } };
  if (s.kind === 'tensors') return { kind: 'bare', field: { kind: 'tensor', dtype: s.dtype, shape: s.shape } };
  const fields = new Map<string, FieldT>([['id', { kind: 'string' }], ['k', { kind: 'number' }], ['t', { kind: 'number' }]]);
  for (const d of s.data) fields.set(d.name, d.kind === 'tensor' ? { kind: 'tensor', dtype: d.dtype, shape: d.shape } : { kind: d.kind });
  return { kind: 'record', fields };
}

const computable = (f: FieldT): boolean => f.kind === 'tensor' || f.kind === 'number' || f.kind === 'boolean';

function toInput(name: string, f: FieldT): ProgramInput {
  if (f.kind === 'tensor') return { name: name || 'x', kind: 'tensor', dtype: f.dtype, shape: f.shape };
  return { name: name || 'x', kind: f.kind === 'boolean' ? 'boolean' : 'number' };
}

/** A field as a map's output carries it: a rank-0 tensor becomes a number or boolean (normalize.ts). */
function normalized(f: FieldT): FieldT {
  return f.kind === 'tensor' && f.shape.length === 0 ? { kind: f.dtype === 'bool' ? 'boolean' : 'number' } : f;
}

function fieldOfType(v: ValueType): FieldT {
  if (v === 'number' || v === 'boolean') return { kind: v };
  if (v.shape.length === 0) return { kind: v.dtype === 'bool' ? 'boolean' : 'number' };
  return { kind: 'tensor', dtype: v.dtype, shape: v.shape };
}

/** Up to three computable fields, chosen by c[1] and c[2]. */
function chooseBind(e: ElementT, c: Step): string[] {
  const cands = fieldsOf(e).filter(([, f]) => computable(f)).map(([n]) => n);
  if (cands.length === 0) return [];
  const n = 1 + (c[1] % Math.min(3, cands.length));
  const start = c[2] % cands.length;
  return Array.from({ length: n }, (_, i) => cands[(start + i) % cands.length]);
}

/** A scalar per element from a numeric field (c picks which, and how a tensor is reduced), or the constant 1. */
function chooseScalar(e: ElementT, c: number): ScalarOf {
  const cands = fieldsOf(e).filter(([, f]) => f.kind === 'tensor' || f.kind === 'number');
  if (cands.length === 0 || c % 7 === 6) return { field: null, reduce: null };
  const [name, f] = cands[c % cands.length];
  return { field: name, reduce: f.kind === 'tensor' ? (['sum', 'max', 'mean'] as const)[(c >> 2) % 3] : null };
}

type Made = { stage: StageSpec; next: ElementT } | null;

function makeStage(kind: (typeof STAGES)[number], c: Step, steps: readonly Step[], e: ElementT, keyed: boolean, index: number): Made {
  const fields = new Map(fieldsOf(e));
  switch (kind) {
    case 'map':
    case 'filter': {
      const bind = chooseBind(e, c);
      if (bind.length === 0) return null;
      const program = buildProgram(bind.map((b) => toInput(b, fields.get(b) as FieldT)), steps, { newInputs: false, maxElements: 64 });
      const last = program.outputTypes[program.outputTypes.length - 1];
      if (kind === 'filter') {
        const isBool = last === 'boolean' || (last !== 'number' && last.dtype === 'bool');
        const test: FilterTest = isBool ? (c[3] % 2 === 0 ? 'any' : 'all') : `${REDS[c[3] % 4]}:${CMPS[c[4] % 5]}`;
        return { stage: { kind, program, bind, test, threshold: THRESHOLDS[c[5] % THRESHOLDS.length] }, next: e };
      }
      const record = e.kind === 'record';
      const form = c[3] % 5 === 0 ? 'bare' : !record || c[3] % 5 === 1 ? 'project' : 'spread';
      const names = program.outputTypes.map((_, i) => `y${index}${i === 0 ? '' : `_${i}`}`);
      const data = bind.filter((b) => b !== '' && !META.has(b));
      if (form === 'spread' && c[4] % 4 === 0 && data.length > 0) names[0] = data[0];
      const keep = record ? [...fields.keys()].filter((k) => META.has(k)) : [];
      if (form === 'bare') return { stage: { kind, program, bind, form, keep: [], names }, next: { kind: 'bare', field: fieldOfType(last) } };
      const out = new Map<string, FieldT>(form === 'spread' ? [...fields].map(([k, f]) => [k, normalized(f)]) : keep.map((k) => [k, fields.get(k) as FieldT]));
      names.forEach((n, i) => out.set(n, fieldOfType(program.outputTypes[i])));
      return { stage: { kind, program, bind, form, keep, names }, next: { kind: 'record', fields: out } };
    }
    case 'keyBy': {
      if (fields.get('k')?.kind === 'number' && c[1] % 3 !== 2) {
        return { stage: { kind, by: c[1] % 3 === 0 ? { field: 'k' } : { mod: 'k' } }, next: e };
      }
      const s = chooseScalar(e, c[2]);
      return s.field === null ? null : { stage: { kind, by: { positive: s } }, next: e };
    }
    case 'scan':
    case 'reduce': {
      const acc = chooseAcc(e, c);
      const next: ElementT =
        acc.kind === 'pair' ? { kind: 'record', fields: new Map([['n', { kind: 'number' }], ['s', { kind: 'number' }]]) }
          : acc.kind === 'growing' ? { kind: 'opaque' }
            : acc.kind === 'tensor' && (acc.shape as number[]).length > 0 ? { kind: 'bare', field: { kind: 'tensor', dtype: acc.dtype as DType, shape: acc.shape as number[] } }
              : { kind: 'bare', field: { kind: 'number' } };
      return { stage: { kind, acc }, next };
    }
    case 'countWindow':
    case 'batch': {
      const summary = chooseScalar(e, c[3]);
      const ids = fields.get('id')?.kind === 'string';
      const stage: StageSpec = kind === 'batch'
        ? { kind, size: 1 + (c[1] % 5), summary, ids }
        : { kind, size: 1 + (c[1] % 4), slide: 1 + (c[2] % 4), summary, ids };
      const out = new Map<string, FieldT>([['n', { kind: 'number' }], ['s', { kind: 'number' }]]);
      if (ids) out.set('first', { kind: 'string' });
      return { stage, next: { kind: 'record', fields: out } };
    }
    case 'timeWindow': {
      if (fields.get('t')?.kind !== 'number') return null;
      const size = (1 + (c[1] % 4)) * 10;
      const slide = c[2] % 2 === 0 ? size : (1 + (c[3] % 4)) * 5;
      const stage: StageSpec = { kind, size, slide, allowedLateness: [0, 0, 10, 25][c[4] % 4], summary: chooseScalar(e, c[5]), keyed };
      const out = new Map<string, FieldT>(['start', 'end', 't', 'n', 's'].map((n) => [n, { kind: 'number' }]));
      if (keyed) out.set('key', { kind: 'other' });
      return { stage, next: { kind: 'record', fields: out } };
    }
    case 'take':
    case 'skip':
      return { stage: { kind, count: c[1] % 12 }, next: e };
  }
}

function chooseAcc(e: ElementT, c: Step): AccSpec {
  const of = chooseScalar(e, c[2]);
  const kind = (['sum', 'max', 'ema', 'pair', 'tensor', 'growing'] as const)[c[1] % 6];
  const tensors = fieldsOf(e).filter(([, f]) => f.kind === 'tensor' && f.dtype !== 'bool') as [string, Extract<FieldT, { kind: 'tensor' }>][];
  if (kind === 'tensor' && tensors.length > 0) {
    const [field, f] = tensors[c[3] % tensors.length];
    return { kind, of, field, dtype: f.dtype, shape: f.shape };
  }
  const floats = tensors.filter(([, f]) => (f.dtype === 'float32' || f.dtype === 'float64') && f.shape.length > 0);
  if (kind === 'growing' && floats.length > 0) return { kind, of, field: floats[c[3] % floats.length][0] };
  return { kind: kind === 'tensor' || kind === 'growing' ? 'sum' : kind, of };
}
