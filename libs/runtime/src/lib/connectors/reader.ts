import type { Readable } from 'node:stream';
import type { ProjectionRequest } from '../exec/source';
import type { RowErrors } from './bad-rows';
import type { RecordSchema } from './record-schema';
import { RecordLines } from './record-lines';

/**
 * The connectors' currencies. Text formats (CSV, NDJSON) read into chunks of records (`Rec[]`, each at most
 * `batchSize` long): they are parsed row by row anyway, and records are what the eager interpreter eats.
 * Columnar formats (Arrow IPC, Parquet) read into Arrow RecordBatches, never through rows, so graph mode can
 * take them as they are; `batchesToRecords` / `recordsToBatches` (arrow-adapter.ts) convert between the two.
 */
export const DEFAULT_BATCH_SIZE = 4096;

/** One record longer than this (an unclosed quote, a file with no line breaks) stops the read. */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;

export interface ReadOptions {
  /** Field types from a --schema file or the pipeline's input signature; other fields are inferred. */
  readonly schema?: RecordSchema;
  /** Rows per chunk or record batch. */
  readonly batchSize?: number;
  /** Where bad rows go (default: fail on the first). */
  readonly rowErrors?: RowErrors;
  /** Rows sampled to infer types (text formats). */
  readonly inferRows?: number;
  /** CSV only. */
  readonly delimiter?: string;
  /** Stands in for process.stdin when the path is '-' (tests). */
  readonly stdin?: Readable;
  /** Filled in as the read goes (rows for a progress bar, the schema once known). */
  readonly stats?: InputStats;
  /**
   * A plan's projection request (projectionPushdown), asked once the file's schema is known and before any
   * row is converted; the fields it names are left out of what the reader yields. Arrow IPC and Parquet
   * readers yield batches without those columns (Parquet does not read them from the file); CSV and NDJSON
   * still tokenize them and check each value's type (a bad value is a bad row, as without the pass) but
   * build no value or column for them.
   */
  readonly project?: ProjectionRequest;
}

/** What a reader reports while it reads. One per run. */
export class InputStats {
  /** Rows read and passed on (bad rows are counted by RowErrors). */
  rows = 0;
  /** The schema the reader settled on (given, inferred, or the file's own). */
  schema: RecordSchema | undefined;
  /** Text formats: the line each record passed on starts at (a failing record is reported by its line). */
  readonly lines = new RecordLines();
}

export function batchSizeOf(options: ReadOptions): number {
  const n = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`batch size must be a positive integer; got ${n}`);
  return n;
}
