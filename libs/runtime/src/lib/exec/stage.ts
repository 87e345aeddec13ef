import type { ErrorPolicy, PipelineError, StageIR } from '@weir/dataflow';
import type { ColumnBatch } from './batch';

/** What every stage of one run shares: the error policy and the run's counters. */
export interface RunContext {
  readonly errors: ErrorPolicy;
  /** Sends a bad record to the policy's sink (skip counts it; a dead letter receives it). Throws under 'fail'. */
  reject(record: unknown, error: PipelineError): void;
  readonly stats: RunStats;
}

export interface RunStats {
  rowsIn: number;
  rowsOut: number;
  batches: number;
  skipped: number;
  deadLettered: number;
}

/**
 * One stage of a running plan. Made fresh for every run (per-run state lives in its closure), fed batches in
 * order; `finish` flushes what it holds when the input ends; `done` says it wants no more input (take).
 */
export interface StageRunner {
  readonly label: string;
  process(b: ColumnBatch): ColumnBatch[];
  finish(): ColumnBatch[];
  readonly done: boolean;
  /** What this stage compiled to so far (for explain and save). */
  describe(): StageIR[];
  /**
   * This stage takes a source's batches with unchecked number runs (batch.ts uncheckedNumberRun) and, where a
   * read throws NotANumberInRun, runs the batch's `unchecked()` instead. Any other stage gets `unchecked()`.
   */
  readonly acceptsUncheckedRuns?: boolean;
}
