import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import {
  AsyncByteQueue, RecordBatch, RecordBatchFileWriter, RecordBatchReader, RecordBatchStreamWriter, RecordBatchWriter, Schema,
  Table, tableFromIPC, tableToIPC, util,
} from 'apache-arrow';
import { toArrowSchema, WeirSchema } from './schema';

/** Arrow IPC has two framings: 'file' (random access, a footer; `.arrow`) and 'stream' (`.arrows`). */
export type IpcFormat = 'file' | 'stream';

export interface WriteArrowOptions {
  /** Default: 'stream' for a path ending in `.arrows`, 'file' otherwise. */
  readonly format?: IpcFormat;
}

/** A readable byte source for `readArrowBatches`: a Node stream or any async iterable of bytes. */
export type ByteSource = NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

function formatFor(path: string, format: IpcFormat | undefined): IpcFormat {
  return format ?? (path.endsWith('.arrows') ? 'stream' : 'file');
}

function asTable(data: Table | RecordBatch | readonly RecordBatch[], where: string): Table {
  if (Table.isTable(data)) return data;
  if (RecordBatch.isRecordBatch(data)) return new Table([data]);
  if (data.length === 0) throw new Error(`Argument 'data' passed to '${where}' is an empty list of batches; pass a Table to write a schema with no rows`);
  return new Table(data as RecordBatch[]);
}

/**
 * Writes a Table or record batches to an Arrow IPC file, in the file or the stream format.
 *
 * ```ts
 * await writeArrowFile('out.arrow', toArrow(records));                        // file format
 * await writeArrowFile('out.arrows', batches);                                // stream format, from the extension
 * await writeArrowFile('out.bin', table, { format: 'stream' });
 * ```
 */
export async function writeArrowFile(path: string, data: Table | RecordBatch | readonly RecordBatch[], options: WriteArrowOptions = {}): Promise<void> {
  await writeFile(path, tableToIPC(asTable(data, 'writeArrowFile'), formatFor(path, options.format)));
}

/**
 * Reads a whole Arrow IPC file (either format) into a Table. For files larger than memory use
 * `readArrowBatches`.
 *
 * ```ts
 * const records = fromArrow(await readArrowFile('in.arrow'));
 * ```
 */
export async function readArrowFile(path: string): Promise<Table> {
  return tableFromIPC(await readFile(path));
}

/**
 * The record batches of an Arrow IPC file or stream, one at a time. Given a path, the file is opened for
 * random access: the file format reads its footer, then one batch per step; the stream format reads message
 * by message. Only the current batch is in memory. Given a Node stream or async iterable of bytes, the
 * stream format is read incrementally; the file format (whose index is at the end) is read whole first —
 * that is Arrow's reader, and the reason to pass a path when you have one.
 *
 * ```ts
 * for await (const batch of readArrowBatches('big.arrows')) {
 *   const columns = batchColumns(batch);
 * }
 * ```
 */
export async function* readArrowBatches(source: string | ByteSource): AsyncGenerator<RecordBatch, void, undefined> {
  if (typeof source !== 'string') {
    const reader = await RecordBatchReader.from(source);
    yield* reader;
    return;
  }
  const handle = await open(source, 'r');
  try {
    const reader = await RecordBatchReader.from(handle);
    try {
      for await (const batch of reader) yield batch;
    } finally {
      // An early `break` by the consumer must still release Arrow's reader (and through it the handle).
      await reader.cancel();
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Writes record batches to an IPC file or stream one at a time; `close()` writes the footer and ends it. */
export interface ArrowWriter {
  readonly schema: Schema;
  /** Writes one batch (or a table's batches); resolves once the bytes are handed to the destination. */
  write(data: RecordBatch | Table): Promise<void>;
  /** Ends the IPC stream (the file format's footer) and, for a path, closes the file; a stream passed in is
   * left open (it may be stdout), so the caller ends it. */
  close(): Promise<void>;
}

// Arrow's writers push their bytes into an AsyncByteQueue sink synchronously. A queue that only collects
// lets us await the destination after each batch, so a slow disk slows the producer instead of letting
// Arrow's queue grow without bound.
class CollectingSink extends AsyncByteQueue {
  chunks: Uint8Array[] = [];
  override write(value: Uint8Array | ArrayBufferView | ArrayBuffer): void {
    const bytes = value instanceof Uint8Array ? value : ArrayBuffer.isView(value)
      ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
      : new Uint8Array(value);
    if (bytes.byteLength > 0) this.chunks.push(bytes);
  }
  take(): Uint8Array[] {
    const out = this.chunks;
    this.chunks = [];
    return out;
  }
}

/**
 * A writer that appends record batches to an Arrow IPC file or stream as they come, for outputs larger than
 * memory. Every batch must have the writer's schema (a mismatch is an error naming the first field that
 * differs: Arrow's own writer would silently end the stream instead).
 *
 * ```ts
 * const writer = createArrowWriter('out.arrows', toArrowSchema(schema), 'stream');
 * for await (const batch of batches) await writer.write(batch);
 * await writer.close();
 * ```
 */
export function createArrowWriter(target: string | NodeJS.WritableStream, schema: Schema | WeirSchema, format?: IpcFormat): ArrowWriter {
  const arrowSchema = Schema.isSchema(schema) ? schema : toArrowSchema(schema);
  const fmt = typeof target === 'string' ? formatFor(target, format) : format ?? 'stream';
  const out: NodeJS.WritableStream = typeof target === 'string' ? createWriteStream(target) : target;
  const ownsOut = typeof target === 'string';
  const writer: RecordBatchWriter = fmt === 'file' ? new RecordBatchFileWriter() : new RecordBatchStreamWriter();
  const sink = new CollectingSink();
  writer.reset(sink, arrowSchema);
  let failed: unknown = null;
  out.on('error', (e: unknown) => {
    failed = e;
  });
  let closed = false;

  async function flush(): Promise<void> {
    for (const chunk of sink.take()) {
      if (failed !== null) throw failed;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    if (failed !== null) throw failed;
  }

  return {
    schema: arrowSchema,
    async write(data) {
      if (closed) throw new Error(`ArrowWriter.write called after close()`);
      const batches = Table.isTable(data) ? data.batches : [data];
      for (const batch of batches) {
        checkSchema(batch.schema, arrowSchema);
        writer.write(batch);
        await flush();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      writer.finish();
      await flush();
      if (ownsOut) {
        out.end();
        await finished(out);
      }
    },
  };
}

function checkSchema(got: Schema, want: Schema): void {
  // compareSchemas is a type guard; going through a boolean keeps `want` typed after the early return.
  const same: boolean = util.compareSchemas(got, want);
  if (same) return;
  const names = want.fields.map((f) => f.name);
  for (let i = 0; i < Math.max(got.fields.length, want.fields.length); i++) {
    const g = got.fields[i];
    const w = want.fields[i];
    const fieldSame: boolean = g !== undefined && w !== undefined && util.compareFields(g, w);
    if (!fieldSame) {
      const gs = g ? `'${g.name}': ${String(g.type)}` : 'nothing';
      const ws = w ? `'${w.name}': ${String(w.type)}` : 'nothing';
      throw new Error(`Batch passed to 'ArrowWriter.write' does not match the writer's schema [${names.join(', ')}]: field ${i} is ${gs}; expected ${ws}`);
    }
  }
  throw new Error(`Batch passed to 'ArrowWriter.write' does not match the writer's schema [${names.join(', ')}]`);
}
