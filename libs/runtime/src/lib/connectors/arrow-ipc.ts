import type { RecordBatch } from 'apache-arrow';
import { createArrowWriter, readArrowBatches, type ArrowWriter } from '@weir/dataflow';
import { fromArrowToRecordSchema, SchemaKeeper } from './arrow-adapter';
import { checkColumnarSchema } from './columnar-schema';
import { displayName, InputError, seekablePath, STDIO } from './io';
import { withoutArrowColumns } from '../exec/source';
import { arrowBatchSchema } from './projection';
import { batchSizeOf, type ReadOptions } from './reader';
import type { RecordSink } from './sink';

/**
 * Reads an Arrow IPC file (`.arrow`, random access) or stream (`.arrows`) batch by batch: only the current
 * batch is in memory. Batches larger than `batchSize` are sliced (zero-copy). stdin in the file format is
 * spooled to a temporary file first, because the file format's index is at its end. With
 * `options.project`, batches are narrowed to the kept columns (a zero-copy select): the dropped ones are read
 * from the file with their batch's message, as Arrow's reader does, but never turned into values.
 *
 * ```ts
 * for await (const batch of readArrowIpc('features.arrow')) console.log(batch.numRows);
 * ```
 */
export async function* readArrowIpc(path: string, options: ReadOptions = {}, format: 'file' | 'stream' = 'file'): AsyncGenerator<RecordBatch> {
  const batchSize = batchSizeOf(options);
  const file = displayName(path);
  // The stream format needs no seeking, so stdin is read as it comes.
  const streamed = path === STDIO && format === 'stream';
  const input = streamed ? { path, release: async () => undefined } : await seekablePath(path, options.stdin);
  const batches = readArrowBatches(streamed ? options.stdin ?? process.stdin : input.path);
  try {
    let first = true;
    let drop: ReadonlySet<string> = new Set();
    for (;;) {
      let step: IteratorResult<RecordBatch>;
      try {
        step = await batches.next();
      } catch (e) {
        throw new InputError(`${file} is not a readable Arrow IPC file or stream: ${(e as Error).message}`);
      }
      if (step.done) break;
      const batch = step.value;
      if (first) {
        first = false;
        const schema = fromArrowToRecordSchema(batch.schema);
        checkColumnarSchema(file, schema, options.schema);
        if (options.stats) options.stats.schema = schema;
        drop = options.project?.(arrowBatchSchema(batch)) ?? drop;
      }
      const narrowed = withoutArrowColumns(batch, drop);
      for (let start = 0; start < narrowed.numRows; start += batchSize) {
        const part = start === 0 && narrowed.numRows <= batchSize ? narrowed : narrowed.slice(start, Math.min(start + batchSize, narrowed.numRows));
        if (options.stats) options.stats.rows += part.numRows;
        yield part;
      }
    }
  } finally {
    // A consumer that stops early (take, a schema error) must still close the file the reader holds.
    await batches.return(undefined).catch(() => undefined);
    await input.release();
  }
}

/**
 * Writes an Arrow IPC file or stream, batch by batch as output arrives. The schema is the first batch's (or
 * the first records'); records are built into batches column by column (no row-by-row Arrow builders).
 */
export class ArrowSink implements RecordSink {
  private writer: ArrowWriter | undefined;
  private readonly keeper = new SchemaKeeper();
  private written = 0;

  constructor(
    private readonly path: string,
    private readonly format: 'file' | 'stream',
    private readonly stdout: NodeJS.WritableStream = process.stdout,
  ) {}

  get rows(): number {
    return this.written;
  }

  async write(items: readonly unknown[]): Promise<void> {
    if (items.length === 0) return;
    await this.writeBatch(this.keeper.fromRecords(items));
  }

  async writeBatch(batch: RecordBatch): Promise<void> {
    const conformed = this.keeper.conform(batch);
    this.writer ??= this.open();
    await this.writer.write(conformed);
    this.written += conformed.numRows;
  }

  async close(): Promise<void> {
    // No output at all still makes a valid (empty) IPC file, so a reader downstream does not choke.
    this.writer ??= this.open();
    await this.writer.close();
  }

  private open(): ArrowWriter {
    return createArrowWriter(this.path === STDIO ? this.stdout : this.path, this.keeper.arrowSchema(), this.format);
  }
}
