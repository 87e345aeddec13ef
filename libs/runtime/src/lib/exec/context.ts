import { closeSync, openSync, writeSync } from 'node:fs';
import { ErrorPolicy, isTensor, PipelineError } from '@weir/dataflow';
import type { RunContext, RunStats } from './stage';

/** A record as JSON for a dead-letter file: tensors as {dtype, shape, data}. */
export function recordToJson(record: unknown): unknown {
  if (isTensor(record)) return { dtype: record.dtype, shape: record.shape, data: Array.from(record.data) };
  if (Array.isArray(record)) return record.map(recordToJson);
  if (typeof record === 'object' && record !== null) {
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, recordToJson(v)]));
  }
  return typeof record === 'number' && !Number.isFinite(record) ? String(record) : record;
}

/**
 * The error policy of one run. 'fail' rethrows; 'skip' counts; a dead letter receives each bad record with
 * its reason (a file path gets one NDJSON line per record: stage, op, sourceIndex, error, record).
 */
export function makeContext(errors: ErrorPolicy): RunContext & { close(): void } {
  const stats: RunStats = { rowsIn: 0, rowsOut: 0, batches: 0, skipped: 0, deadLettered: 0 };
  let fd: number | null = null;
  const sink = typeof errors === 'object' ? errors.deadLetter : null;
  return {
    errors,
    stats,
    reject(record, error) {
      if (errors === 'fail') throw error;
      if (errors === 'skip') {
        stats.skipped++;
        return;
      }
      stats.deadLettered++;
      if (typeof sink === 'function') sink(record, error);
      else if (typeof sink === 'string') {
        fd ??= openSync(sink, 'a');
        const line = { stage: error.stage, op: error.op ?? null, sourceIndex: error.sourceIndex ?? null, error: error.cause instanceof Error ? error.cause.message : String(error.cause), record: recordToJson(record) };
        writeSync(fd, JSON.stringify(line) + '\n');
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

export type { PipelineError };
