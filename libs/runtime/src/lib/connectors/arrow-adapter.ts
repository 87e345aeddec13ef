import { util, type RecordBatch, type Schema } from 'apache-arrow';
import {
  arrowRows, batchColumns, columnsToBatch, fromArrowSchema, inferSchema, scalarField, tensorField, toArrowSchema, toRecordBatch,
  type FieldSchema, type WeirRecord, type WeirSchema,
} from '@weir/dataflow';
import type { RecordSchema, SchemaField } from './record-schema';
import { asRecord, type Rec } from './text-values';

/**
 * The adapters between the connectors' two currencies (reader.ts): chunks of records and Arrow
 * RecordBatches. Both directions are columnar bulk copies in @weir/dataflow's Arrow interop; tensors read
 * from a batch are zero-copy views over its buffers.
 */

/** Each batch's rows as one chunk of records. */
export async function* batchesToRecords(batches: AsyncIterable<RecordBatch>): AsyncGenerator<Rec[]> {
  for await (const batch of batches) yield Array.from(arrowRows(batch)) as Rec[];
}

/**
 * Chunks of records as record batches with one schema throughout: the given one (or what the function gives
 * once the first chunk is read: a reader's settled schema), else the first chunk's. A later record that does
 * not fit it is an error naming the field.
 */
export async function* recordsToBatches(
  chunks: AsyncIterable<readonly unknown[]>,
  schema?: WeirSchema | (() => WeirSchema | undefined),
): AsyncGenerator<RecordBatch> {
  let s: WeirSchema | undefined;
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue;
    const records = chunk.map(asRecord) as WeirRecord[];
    s ??= (typeof schema === 'function' ? schema() : schema) ?? inferSchema(records);
    yield toRecordBatch(records, s);
  }
}

/** A connector schema as an Arrow-interop schema (what a batch of such records has). */
export function toWeirSchema(schema: RecordSchema): WeirSchema {
  return { fields: schema.map(toFieldSchema) };
}

function toFieldSchema(f: SchemaField): FieldSchema {
  if (f.type === 'tensor') return tensorField(f.name, f.dtype ?? 'float32', f.shape ?? []);
  return f.type === 'number' ? scalarField(f.name, 'number', f.dtype ?? 'float64') : scalarField(f.name, f.type);
}

/** An Arrow schema as a connector schema, for reports and for checking a --schema against a columnar file. */
export function fromArrowToRecordSchema(arrowSchema: RecordBatch['schema']): RecordSchema {
  return fromArrowSchema(arrowSchema).fields.map((f): SchemaField => {
    if (f.kind === 'tensor') return { name: f.name, type: 'tensor', dtype: f.dtype ?? undefined, shape: f.shape };
    if (f.kind === 'number') return { name: f.name, type: 'number', dtype: f.dtype ?? undefined };
    return { name: f.name, type: f.kind };
  });
}

/**
 * Keeps every batch a columnar sink writes on one Arrow schema (IPC and Parquet writers require it): the
 * first batch's or first records' schema, normalized the way Weir writes fields. A batch with the same
 * columns but other field flags (a file's non-nullable fields) is re-wrapped zero-copy; one whose types
 * differ goes through records, which converts what fits and names the field that does not.
 */
export class SchemaKeeper {
  private schema: WeirSchema | undefined;
  private arrow: Schema | undefined;

  fromRecords(items: readonly unknown[]): RecordBatch {
    const records = items.map(asRecord) as WeirRecord[];
    this.set(this.schema ?? inferSchema(records));
    return toRecordBatch(records, this.schema);
  }

  conform(batch: RecordBatch): RecordBatch {
    if (this.arrow === undefined) this.set(fromArrowSchema(batch.schema));
    const target = this.arrow as Schema;
    if (same(batch.schema, target)) return batch;
    const rewrapped = columnsToBatch(batchColumns(batch));
    if (same(rewrapped.schema, target)) return rewrapped;
    return toRecordBatch(Array.from(arrowRows(batch)), this.schema);
  }

  /** The Arrow schema, once known (an empty one before any output). */
  arrowSchema(): Schema {
    return this.arrow ?? toArrowSchema({ fields: [] });
  }

  private set(schema: WeirSchema): void {
    if (this.schema !== undefined) return;
    this.schema = schema;
    this.arrow = toArrowSchema(schema);
  }
}

function same(a: Schema, b: Schema): boolean {
  // compareSchemas is a type guard; a boolean keeps both types intact.
  const equal: boolean = util.compareSchemas(a, b);
  return equal;
}
