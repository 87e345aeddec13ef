import { RecordBatch, type Schema as ArrowSchema } from 'apache-arrow';
import type { FieldType as ExecFieldType } from '@weir/dataflow';
import type { Schema } from '../exec/propagate';
import { schemaOf } from '../exec/schema';
import type { ProjectionRequest } from '../exec/source';
import { arrowToColumnBatch } from './column-batches';
import type { RecordSchema, SchemaField } from './record-schema';

/**
 * The connectors' side of projectionPushdown: each reader, once it knows its file's schema and before it
 * converts a row, asks the plan (ReadOptions.project) which fields to leave out. The plan decides on the
 * schema its batches will have, so these give exactly that schema from what a reader knows by then.
 */

const KEEP_ALL: ReadonlySet<string> = new Set();

/**
 * The fields a reader of text records may leave out. Records of a settled schema become batches whose
 * columns are typed from it (numbers are float64 columns, tensors of the field's dtype and shape); a tensor
 * field whose shape is not known yet (no --schema shape, no majority in the sampled rows) makes the schema
 * unknown, and then nothing is dropped.
 *
 * ```ts
 * textProjection(options.project, [{ name: 'a', type: 'number' }, { name: 's', type: 'string' }]); // e.g. Set { 's' }
 * ```
 */
export function textProjection(project: ProjectionRequest | undefined, fields: RecordSchema): ReadonlySet<string> {
  if (project === undefined) return KEEP_ALL;
  const types = fields.map(execField);
  return types.every((t) => t !== null) ? project({ fields: types as ExecFieldType[], bare: false }) : KEEP_ALL;
}

function execField(f: SchemaField): ExecFieldType | null {
  switch (f.type) {
    case 'number': return { name: f.name, kind: 'number', dtype: 'float64' };
    case 'boolean': return { name: f.name, kind: 'boolean', dtype: 'bool' };
    case 'string': return { name: f.name, kind: 'string' };
    case 'tensor': return f.shape === undefined ? null : { name: f.name, kind: 'tensor', dtype: f.dtype ?? 'float32', shape: f.shape };
  }
}

/**
 * The schema of `arrowToColumnBatch(batch)` without converting a value: a zero-row view of the batch gives
 * each column's kind, dtype and shape, and a column with nulls becomes a per-row value column ('other').
 */
export function arrowBatchSchema(batch: RecordBatch): Schema {
  const fields = schemaOf(arrowToColumnBatch(batch.slice(0, 0), 0));
  return { fields: fields.map((f, i) => ((batch.data.children[i]?.nullCount ?? 0) > 0 ? { name: f.name, kind: 'other' } : f)), bare: false };
}

/** The schema a file's batches will have, from its Arrow schema alone (read before any batch; nulls unknown). */
export function arrowSchemaOnly(schema: ArrowSchema): Schema {
  // Two arguments: with one, RecordBatch reads its argument as a map of column names to data.
  return { fields: schemaOf(arrowToColumnBatch(new RecordBatch(schema, undefined), 0)), bare: false };
}

/** The names of `schema`'s fields that are not dropped, in file order. */
export function keptNames(schema: ArrowSchema, drop: ReadonlySet<string>): string[] {
  return schema.fields.map((f) => f.name).filter((n) => !drop.has(n));
}
