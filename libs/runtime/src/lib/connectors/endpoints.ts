import type { Readable } from 'node:stream';
import type { RecordBatch } from 'apache-arrow';
import type { ProjectionRequest } from '../exec/source';
import { batchesToRecords, recordsToBatches, toWeirSchema } from './arrow-adapter';
import { FORMATS, formatOf, sniffFormat, type FormatName } from './formats';
import { checkReadable, STDIO } from './io';
import { InputStats, type ReadOptions } from './reader';
import type { RecordSink } from './sink';
import type { Rec } from './text-values';

/** An input file opened for one run; read it once, in either currency. */
export interface Source {
  readonly path: string;
  readonly format: FormatName;
  /** Native currency of the format (reader.ts); the other one costs one columnar conversion per batch. */
  readonly currency: 'records' | 'batches';
  readonly stats: InputStats;
  /**
   * Chunks of records (one chunk per batch for columnar formats). With `project` (a plan's projection
   * request), the fields the plan drops are left out (reader.ts says what each format skips).
   */
  records(project?: ProjectionRequest): AsyncIterable<Rec[]>;
  /**
   * Arrow record batches (text formats' chunks are built into batches of the schema the reader settled on).
   * `project` narrows a columnar format's batches; text formats ignore it here, as their batches are built
   * to the whole settled schema.
   */
  batches(project?: ProjectionRequest): AsyncIterable<RecordBatch>;
  /** Records one at a time, for an eager run. */
  rows(): AsyncIterable<Rec>;
}

export interface OpenSourceOptions extends ReadOptions {
  /** --format; default: from the extension (stdin: sniffed from the first bytes). */
  readonly format?: string;
}

/**
 * Opens an input for reading; nothing is read until one of its iterables is.
 *
 * ```ts
 * const source = await openSource('examples/data/readings.csv', { batchSize: 1024 });
 * for await (const chunk of source.records()) console.log(chunk.length, source.stats.rows);
 * ```
 */
export async function openSource(path: string, options: OpenSourceOptions = {}): Promise<Source> {
  // A missing input is found now, before an output file is created for a run that cannot start.
  if (path !== STDIO) await checkReadable(path);
  let stdin: Readable = options.stdin ?? process.stdin;
  let format: FormatName;
  if (path === STDIO && options.format === undefined) ({ format, stream: stdin } = await sniffFormat(stdin));
  else format = formatOf(path, options.format, 'input');
  const stats = options.stats ?? new InputStats();
  const readOptions: ReadOptions = { ...options, stats, stdin };
  const handler = FORMATS[format];
  let used = false;
  const once = () => {
    if (used) throw new Error(`the input ${path} was already read; open it again to read it twice`);
    used = true;
  };
  const records = (project?: ProjectionRequest): AsyncIterable<Rec[]> => {
    once();
    const o = { ...readOptions, project };
    return handler.currency === 'records' ? handler.read(path, o) : batchesToRecords(handler.read(path, o));
  };
  const batches = (project?: ProjectionRequest): AsyncIterable<RecordBatch> => {
    once();
    if (handler.currency === 'batches') return handler.read(path, { ...readOptions, project });
    // The reader's schema (given or inferred) keeps declared dtypes (an int32 column stays Int32).
    return recordsToBatches(handler.read(path, readOptions), () => (stats.schema ? toWeirSchema(stats.schema) : undefined));
  };
  return {
    path,
    format,
    currency: handler.currency,
    stats,
    records,
    batches,
    async *rows() {
      for await (const chunk of records()) yield* chunk;
    },
  };
}

/**
 * Opens an output for writing: `path` or '-' (stdout), the format from --format or the extension.
 *
 * ```ts
 * const sink = openSink('out.parquet');
 * await sink.write([{ sensor: 'a', mean: 1.5 }]);
 * await sink.close();
 * ```
 */
export function openSink(path: string, options: { readonly format?: string } = {}): RecordSink {
  return FORMATS[formatOf(path, options.format, 'output')].sink(path);
}
