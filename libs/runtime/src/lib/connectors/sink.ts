import type { RecordBatch } from 'apache-arrow';

/**
 * Where a run's output goes. Every sink takes records (pipeline outputs: records, or bare values written as
 * `{ value }`); columnar sinks also take Arrow RecordBatches as they are, which is how graph mode's
 * batches reach a Parquet or Arrow file without a detour through rows.
 */
export interface RecordSink {
  write(items: readonly unknown[]): Promise<void>;
  /** Columnar sinks only. */
  writeBatch?(batch: RecordBatch): Promise<void>;
  close(): Promise<void>;
  /** Rows written so far. */
  readonly rows: number;
}
