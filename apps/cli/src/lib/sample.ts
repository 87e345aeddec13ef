import { ops, type Transform } from '@weir/dataflow';
import { from } from '@weir/dataflow';
import { compile, openSource, RowErrors, type CompileOptions, type Plan, type RecordSchema, type SchemaField } from './runtime';

/** Rows read from --input to trace a pipeline ahead of time (explain, compile). */
const SAMPLE_ROWS = 64;

/**
 * Records to trace a pipeline with before it runs: the first rows of `input` if given, else one record made
 * from the input schema (zeros of each field's type and shape). Graph mode traces callbacks against the
 * input's field types and shapes, so a schema alone is enough to show the graph; without either, the plan is
 * shown untraced.
 */
export async function sampleRecords(input: string | undefined, schema: RecordSchema | undefined, inputFormat?: string): Promise<unknown[] | undefined> {
  if (input !== undefined) {
    const source = await openSource(input, { format: inputFormat, schema, batchSize: SAMPLE_ROWS, rowErrors: new RowErrors('skip') });
    const rows: unknown[] = [];
    for await (const chunk of source.records()) {
      rows.push(...chunk);
      if (rows.length >= SAMPLE_ROWS) break;
    }
    return rows.slice(0, SAMPLE_ROWS);
  }
  if (schema === undefined || schema.length === 0) return undefined;
  return [Object.fromEntries(schema.map((f) => [f.name, zeroOf(f)]))];
}

function zeroOf(f: SchemaField): unknown {
  if (f.type === 'number') return 0;
  if (f.type === 'boolean') return false;
  if (f.type === 'string') return '';
  return ops.zeros([...(f.shape ?? [])], f.dtype ?? 'float32');
}

/** A plan for explain/compile, bound to the sample (if any) so it can be traced ahead of time. */
export function planWithSample(transform: Transform, sample: unknown[] | undefined, options: CompileOptions): Plan {
  return sample === undefined || sample.length === 0 ? compile(transform, options) : compile(from(sample).pipe(transform), options);
}
