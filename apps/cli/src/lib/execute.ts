import { describeSource, PipelineError, type ErrorPolicy } from '@weir/dataflow';
import { eagerIterate } from '@weir/eager';
import { UsageError } from './errors';
import type { Loaded } from './load-pipeline';
import { Progress } from './progress';
import {
  columnBatchesOf, compile, openSink, openSource, Plan, RowErrors, toJsonValue, writeColumnBatch,
  type RecordSchema, type RecordSink, type RowErrorMode, type Source,
} from './runtime';

export type Mode = 'eager' | 'graph';

export interface ExecuteOptions {
  readonly input: string;
  readonly output: string;
  /** --format: the output's format (default: from the output's extension). */
  readonly format?: string;
  /** --input-format (default: from the input's extension; stdin is sniffed). */
  readonly inputFormat?: string;
  readonly schema?: RecordSchema;
  readonly mode: Mode;
  readonly batchSize?: number;
  readonly workers?: number | 'auto';
  readonly device?: 'cpu' | 'gpu' | 'auto';
  readonly errors: RowErrorMode;
  readonly quiet: boolean;
}

export interface RunReport {
  readonly mode: Mode;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly seconds: number;
  readonly badRows: number;
  /** Lines for stderr: the bad-row summary (always shown) and notes. */
  readonly warnings: readonly string[];
}

/** Rows handed to an eager run's sink at a time (eager produces one element at a time). */
const EAGER_WRITE_CHUNK = 1024;

/**
 * One `weir run`: input file -> pipeline -> output file, streaming in both modes, so memory is bounded by
 * the batch size whatever the file size. Bad input rows and (in graph mode) failing records share one
 * RowErrors, so they land in one dead-letter file and one count.
 */
export async function execute(loaded: Loaded, options: ExecuteOptions): Promise<RunReport> {
  if (loaded.kind === 'plan' && options.mode === 'eager') {
    throw new UsageError(`${loaded.path} is a saved graph, which runs in graph mode only`, '  run the pipeline source with --mode eager to step through it eagerly');
  }
  const rowErrors = new RowErrors(options.errors);
  const started = process.hrtime.bigint();
  let source: Source | undefined;
  let sink: RecordSink | undefined;
  let progress: Progress | undefined;
  let ok = false;
  try {
    const input = await openSource(options.input, { format: options.inputFormat, schema: options.schema, batchSize: options.batchSize, rowErrors });
    source = input;
    // Compiled before the output is opened: a refused option leaves no output file behind.
    const plan = options.mode === 'eager' ? null : planFor(loaded, options, rowErrors, source);
    sink = openSink(options.output, { format: options.format ?? stdoutFormat(options.output, source.format) });
    const stats = source.stats;
    progress = Progress.start(() => stats.rows, { quiet: options.quiet });
    const named = (e: unknown): never => {
      // The element a pipeline error names, by its line in a text file (formatError prints it).
      const line = e instanceof PipelineError && e.sourceIndex !== undefined ? input.stats.lines.lineOf(e.sourceIndex) : undefined;
      if (line !== undefined) Object.assign(e as object, { weirInput: `${input.path} line ${line}` });
      throw e;
    };
    if (options.mode === 'eager') await runEager(loaded, source, sink).catch((e) => {
      // Eager mode applies --errors to input rows only; a record the pipeline fails on stops the run.
      if (e instanceof PipelineError && options.errors !== 'fail') {
        Object.assign(e, { weirHint: "  in eager mode --errors covers input rows; a pipeline error stops the run (graph mode dead-letters it)" });
      }
      return named(e);
    });
    else await runGraph(plan as Plan, source, sink).catch(named);
    await sink.close();
    ok = true;
  } finally {
    progress?.stop();
    // The dead-letter file is flushed even when the run fails: the rows in it are the evidence.
    await rowErrors.close();
    if (!ok) await sink?.close().catch(() => undefined);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const warnings: string[] = [];
  const summary = rowErrors.summary();
  if (summary) warnings.push(summary);
  return { mode: options.mode, rowsIn: source.stats.rows, rowsOut: sink.rows, seconds, badRows: rowErrors.count, warnings };
}

/**
 * stdout with no --format mirrors a text input's format (CSV in, CSV out, as a Unix filter does); a binary
 * input gives NDJSON, which a terminal can show.
 */
function stdoutFormat(output: string, inputFormat: string): string | undefined {
  if (output !== '-') return undefined;
  return inputFormat === 'csv' ? 'csv' : 'ndjson';
}

async function runEager(loaded: Loaded, source: Source, sink: RecordSink): Promise<void> {
  if (loaded.kind !== 'transform') throw new Error('unreachable: a saved graph in eager mode');
  const flow = loaded.transform.bind(describeSource(source.rows()));
  let buffer: unknown[] = [];
  for await (const out of eagerIterate(flow)) {
    buffer.push(out);
    if (buffer.length >= EAGER_WRITE_CHUNK) {
      await sink.write(buffer);
      buffer = [];
    }
  }
  await sink.write(buffer);
}

async function runGraph(plan: Plan, source: Source, sink: RecordSink): Promise<void> {
  // The reader asks the plan which fields to leave out (projectionPushdown) once it knows the file's schema.
  for await (const cb of plan.runSourceBatches((project) => columnBatchesOf(source, project))) await writeColumnBatch(sink, cb);
}

function planFor(loaded: Loaded, options: ExecuteOptions, rowErrors: RowErrors, source: Source): Plan {
  const errors = errorPolicy(rowErrors, source);
  const compileOptions = { batchSize: options.batchSize, workers: options.workers, device: options.device, errors };
  if (loaded.kind === 'transform') return compile(loaded.transform, compileOptions);
  // A saved plan keeps its stages; this run's flags (batch size, error policy) replace its options.
  const saved = loaded.plan;
  return new Plan(saved.operators, null, { ...saved.options, ...definedOnly(compileOptions) }, saved.saved);
}

/**
 * The graph executor's error policy, routed into the run's RowErrors: a record the pipeline fails on is
 * counted (skip) or dead-lettered with its stage and reason, next to the bad input rows. It is named by its
 * line in a text file (the reader kept the line each record it passed on started at), as bad input rows
 * are; by its 0-based row in a columnar file.
 */
function errorPolicy(rowErrors: RowErrors, source: Source): ErrorPolicy {
  if (rowErrors.mode === 'fail') return 'fail';
  return {
    deadLetter: (record: unknown, error: PipelineError) => {
      const row = error.sourceIndex ?? -1;
      const line = source.stats.lines.lineOf(row);
      rowErrors.reject({
        file: source.path,
        ...(line !== undefined ? { line } : { row }),
        stage: error.stage,
        reason: `pipeline error in ${error.stage}${error.op ? ` (op '${error.op}')` : ''}: ${error.cause instanceof Error ? error.cause.message : String(error.cause)}`,
        raw: JSON.stringify(toJsonValue(record)),
      });
    },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
