import type { DType } from '@weir/dataflow';
import type { PipelineFeature, StageSpec } from './pipeline';

export type FieldT =
  | { readonly kind: 'tensor'; readonly dtype: DType; readonly shape: readonly number[] }
  | { readonly kind: 'number' | 'boolean' | 'string' | 'other' };

/** What the elements between two stages look like: records, bare values, or something no stage computes on. */
export type ElementT =
  | { readonly kind: 'record'; readonly fields: ReadonlyMap<string, FieldT> }
  | { readonly kind: 'bare'; readonly field: FieldT }
  | { readonly kind: 'opaque' };

/** The element's fields as [name, type]; a bare element is the field ''. */
export function fieldsOf(e: ElementT): [string, FieldT][] {
  if (e.kind === 'record') return [...e.fields];
  if (e.kind === 'bare') return [['', e.field]];
  return [];
}

const fieldMap = (e: ElementT): Map<string, FieldT> => new Map(fieldsOf(e));
const isRank0 = (f: FieldT | undefined): boolean => f !== undefined && f.kind === 'tensor' && f.shape.length === 0;

/**
 * The PipelineFeatures of a pipeline, given the element type before each stage and after the last
 * (`types[i]` flows into `stages[i]`). Graph mode runs map, filter and reduce as their own stages (vectorized)
 * until the first keyBy, and everything from a keyBy to the end as one eager segment (compile-stages.ts).
 */
export function pipelineFeatures(stages: readonly StageSpec[], types: readonly ElementT[]): PipelineFeature[] {
  const out = new Set<PipelineFeature>();
  let segment = false; // inside the keyBy segment
  stages.forEach((s, i) => {
    const input = fieldMap(types[i]);
    if (s.kind === 'keyBy') segment = true;
    if ('program' in s && s.program.modeSensitive) out.add('weak-typed-fields');
    if (s.kind === 'map' && !segment && i < stages.length - 1 && passesRank0(s, input)) out.add('rank0-through-vectorized-map');
    if (s.kind === 'scan' || s.kind === 'reduce') {
      const term = s.acc.of.field === null ? undefined : input.get(s.acc.of.field);
      const intMax = s.acc.of.reduce === 'max' && term?.kind === 'tensor' && (term.dtype === 'uint8' || term.dtype === 'int32');
      if (['sum', 'ema', 'pair'].includes(s.acc.kind) && intMax) out.add('acc-int-term');
      if (s.acc.kind === 'growing') out.add('acc-changes-type');
      const folded = s.kind === 'reduce' && !segment && s.acc.kind === 'tensor';
      if (folded && s.acc.dtype === 'uint8') out.add('reduce-uint8-tensor-fold');
      if (folded && (s.acc.shape ?? []).length === 0) out.add('reduce-rank0-tensor-seed');
    }
    if (s.kind === 'take' && stages.slice(0, i).some((x) => x.kind === 'timeWindow')) out.add('late-after-take');
    const lastOfSegment = i === stages.length - 1 || (!segment && ['map', 'filter', 'reduce'].includes(stages[i + 1].kind));
    const passes = s.kind === 'keyBy' || s.kind === 'take' || s.kind === 'skip' || (s.kind === 'filter' && segment);
    if (lastOfSegment && passes && fieldsOf(types[i + 1]).some(([, f]) => isRank0(f))) out.add('rank0-at-segment-end');
  });
  return [...out];
}

/** Whether a map passes a rank-0 tensor through unchanged: a spread record, or an input returned as an output. */
function passesRank0(s: Extract<StageSpec, { kind: 'map' }>, input: ReadonlyMap<string, FieldT>): boolean {
  if (s.form === 'spread' && [...input.values()].some(isRank0)) return true;
  return s.program.outputs.some((o) => 'input' in o && isRank0(input.get(s.bind[o.input])));
}
