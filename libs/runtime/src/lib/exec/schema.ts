import { formatShape, InputSpec } from '@weir/dataflow';
import type { DType, FieldType } from '@weir/dataflow';
import { BARE, Column, ColumnBatch } from './batch';

/** The schema of a batch (what tracing needs): one FieldType per column. */
export function schemaOf(b: ColumnBatch): FieldType[] {
  return [...b.columns.entries()].map(([name, c]) => fieldType(name, c));
}

export function fieldType(name: string, c: Column): FieldType {
  if (c.kind === 'values') return { name, kind: c.values.every((v) => typeof v === 'string') ? 'string' : 'other' };
  // A column left in its source array is float64 (reading `tensor` would copy it out).
  if (c.kind === 'number') return { name, kind: 'number', dtype: c.run !== undefined ? 'float64' : c.tensor.dtype };
  if (c.kind === 'boolean') return { name, kind: 'boolean', dtype: 'bool' };
  return { name, kind: 'tensor', dtype: c.tensor.dtype, shape: c.tensor.shape.slice(1) };
}

export function schemaKey(fields: readonly FieldType[], bare: boolean): string {
  return (bare ? 'bare:' : '') + fields.map((f) => `${f.name}:${f.kind}:${f.dtype ?? ''}${f.shape ? formatShape(f.shape) : ''}`).join('|');
}

/** The tracing inputs for a row of this schema: numbers are weak, strings and others opaque. */
export function inputSpecs(fields: readonly FieldType[], prefix = ''): InputSpec[] {
  return fields.map((f) => {
    const name = prefix + (f.name === BARE ? 'x' : f.name);
    if (f.kind === 'tensor') return { name, dtype: f.dtype as DType, shape: f.shape as number[] };
    if (f.kind === 'number') return { name, dtype: f.dtype as DType, shape: [], weak: true };
    if (f.kind === 'boolean') return { name, dtype: 'bool', shape: [], weak: true };
    return { name, dtype: 'float64', shape: [], opaque: true };
  });
}
