import { openAsBlob } from 'node:fs';
import { RecordBatch, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import * as pw from 'parquet-wasm';
import { fromArrowToRecordSchema, SchemaKeeper } from './arrow-adapter';
import { checkColumnarSchema } from './columnar-schema';
import { displayName, InputError, openOutput, OutputError, seekablePath, type ByteSink } from './io';
import { arrowSchemaOnly, keptNames } from './projection';
import { batchSizeOf, type ReadOptions } from './reader';
import type { RecordSink } from './sink';

/**
 * Parquet through parquet-wasm (the Rust `parquet` crate compiled to WebAssembly): Arrow in, Arrow out.
 * Data crosses the JS/WASM boundary as Arrow IPC buffers, a bulk copy per batch; never row by row.
 */

/** Rows per row group written: bounds the writer's buffered pages (and a reader's unit of work). */
export const PARQUET_ROW_GROUP_ROWS = 64 * 1024;

/**
 * Reads a Parquet file batch by batch. The file is opened as a lazily read Blob, and parquet-wasm's async
 * reader fetches column chunks as it goes, so a file much larger than memory streams. stdin is spooled to a
 * temporary file first (Parquet's footer is at its end). With `options.project`, the plan is asked with the
 * schema in the file's footer, and parquet-wasm is given the kept columns: the dropped ones are not read from
 * the file at all.
 *
 * ```ts
 * for await (const batch of readParquet('readings.parquet', { batchSize: 8192 })) console.log(batch.numRows);
 * ```
 */
export async function* readParquet(path: string, options: ReadOptions = {}): AsyncGenerator<RecordBatch> {
  const batchSize = batchSizeOf(options);
  const file = displayName(path);
  const input = await seekablePath(path, options.stdin);
  let parquet: pw.ParquetFile | undefined;
  try {
    try {
      parquet = await pw.ParquetFile.fromFile(await openAsBlob(input.path));
    } catch (e) {
      throw new InputError(`${file} is not a readable Parquet file: ${messageOf(e)}`);
    }
    const columns = options.project === undefined ? undefined : projectedColumns(parquet, file, options);
    const stream: ReadableStream<pw.RecordBatch> = await parquet.stream({ batchSize, ...(columns?.read !== undefined ? { columns: columns.read } : {}) });
    let first = columns === undefined;
    for await (const wasmBatch of stream as unknown as AsyncIterable<pw.RecordBatch>) {
      // intoIPCStream consumes (frees) the WASM batch, so WASM memory holds one batch at a time.
      const table = tableFromIPC(wasmBatch.intoIPCStream());
      if (first) {
        first = false;
        const schema = fromArrowToRecordSchema(table.schema);
        checkColumnarSchema(file, schema, options.schema);
        if (options.stats) options.stats.schema = schema;
      }
      for (const read of table.batches) {
        const batch = columns?.keep.length === 0 ? read.selectAt([]) : read;
        if (options.stats) options.stats.rows += batch.numRows;
        yield batch;
      }
    }
  } finally {
    parquet?.free();
    await input.release();
  }
}

/**
 * Writes Parquet as output arrives: each batch goes into parquet-wasm's streaming writer, which emits a row
 * group's bytes as soon as it is full, so neither the output nor its row groups pile up in memory.
 * Tensor columns keep their `arrow.fixed_shape_tensor` metadata (in the file's stored Arrow schema), so
 * pyarrow and `readParquet` read them back as tensors.
 */
export class ParquetSink implements RecordSink {
  private readonly keeper = new SchemaKeeper();
  private controller: ReadableStreamDefaultController<pw.RecordBatch> | undefined;
  private wanted: (() => void) | undefined;
  private done: Promise<void> | undefined;
  private failure: unknown;
  private written = 0;

  constructor(
    private readonly out: ByteSink,
    private readonly file: string,
  ) {}

  static open(path: string): ParquetSink {
    return new ParquetSink(openOutput(path), displayName(path));
  }

  get rows(): number {
    return this.written;
  }

  async write(items: readonly unknown[]): Promise<void> {
    if (items.length === 0) return;
    await this.writeBatch(this.keeper.fromRecords(items));
  }

  async writeBatch(input: RecordBatch): Promise<void> {
    if (input.numRows === 0) return;
    const batch = this.keeper.conform(input);
    const controller = this.controller ?? this.start();
    this.check();
    const wasmTable = pw.Table.fromIPCStream(tableToIPC(new Table([batch]), 'stream'));
    try {
      for (const b of wasmTable.recordBatches()) controller.enqueue(b);
    } finally {
      // recordBatches() shares the data; without this the WASM copy lives until a GC finalizer runs.
      wasmTable.free();
    }
    this.written += batch.numRows;
    // Backpressure: wait until the writer has taken what it was given.
    while ((controller.desiredSize ?? 1) <= 0 && this.failure === undefined) {
      await new Promise<void>((resolve) => (this.wanted = resolve));
    }
    this.check();
  }

  async close(): Promise<void> {
    if (this.controller === undefined) {
      // No output rows: still a valid Parquet file (no columns, no rows), so whatever reads it next works.
      const empty = pw.Table.fromIPCStream(tableToIPC(new Table(this.keeper.arrowSchema()), 'stream'));
      await this.out.write(pw.writeParquet(empty));
      await this.out.end();
      return;
    }
    this.controller.close();
    await this.done;
    this.check();
  }

  /**
   * parquet-wasm's transformParquetStream reads the first batch (for the schema) before it resolves, so the
   * writer is started without awaiting it, and the first batch is enqueued right after.
   */
  private start(): ReadableStreamDefaultController<pw.RecordBatch> {
    let controller: ReadableStreamDefaultController<pw.RecordBatch> | undefined;
    const batches = new ReadableStream<pw.RecordBatch>(
      {
        start: (c) => {
          controller = c;
        },
        pull: () => {
          const w = this.wanted;
          this.wanted = undefined;
          w?.();
        },
      },
      { highWaterMark: 1 },
    );
    const props = new pw.WriterPropertiesBuilder()
      .setMaxRowGroupSize(PARQUET_ROW_GROUP_ROWS)
      .setCompression(pw.Compression.SNAPPY)
      .setCreatedBy('weir')
      .build();
    this.done = (async () => {
      try {
        const bytes = (await pw.transformParquetStream(batches, props)) as ReadableStream<Uint8Array>;
        for await (const chunk of bytes as unknown as AsyncIterable<Uint8Array>) await this.out.write(chunk);
        await this.out.end();
      } catch (e) {
        this.failure = e;
        const w = this.wanted;
        this.wanted = undefined;
        w?.();
      }
    })();
    this.controller = controller as ReadableStreamDefaultController<pw.RecordBatch>;
    return this.controller;
  }

  private check(): void {
    if (this.failure !== undefined) {
      throw new OutputError(`cannot write Parquet to ${this.file}: ${messageOf(this.failure)}`);
    }
  }
}

/**
 * Asks the plan which columns to leave out, from the schema in the file's footer (so it is checked against
 * --schema and reported before any batch is read). A pipeline that reads no column still needs the row
 * count: then one column is read and dropped after.
 */
function projectedColumns(parquet: pw.ParquetFile, file: string, options: ReadOptions): { read: string[] | undefined; keep: string[] } {
  const full = tableFromIPC(parquet.schema().intoIPCStream()).schema;
  const schema = fromArrowToRecordSchema(full);
  checkColumnarSchema(file, schema, options.schema);
  if (options.stats) options.stats.schema = schema;
  const keep = keptNames(full, options.project?.(arrowSchemaOnly(full)) ?? new Set());
  if (keep.length === full.fields.length) return { read: undefined, keep };
  return { read: keep.length > 0 ? keep : [full.fields[0].name], keep };
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

