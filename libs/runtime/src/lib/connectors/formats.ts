import { extname } from 'node:path';
import { Readable } from 'node:stream';
import type { RecordBatch } from 'apache-arrow';
import { ArrowSink, readArrowIpc } from './arrow-ipc';
import { CsvSink, readCsv } from './csv';
import { openOutput, STDIO } from './io';
import { NdjsonSink, readNdjson } from './ndjson';
import { ParquetSink, readParquet } from './parquet';
import type { ReadOptions } from './reader';
import type { RecordSink } from './sink';
import type { Rec } from './text-values';

export type FormatName = 'csv' | 'ndjson' | 'arrow' | 'arrows' | 'parquet';

/** A format's reader (in its currency, see reader.ts) and its sink. */
export type FormatHandler =
  | { readonly currency: 'records'; read(path: string, options: ReadOptions): AsyncIterable<Rec[]>; sink(path: string): RecordSink }
  | { readonly currency: 'batches'; read(path: string, options: ReadOptions): AsyncIterable<RecordBatch>; sink(path: string): RecordSink };

/** The one table of formats: add a format here and every command reads and writes it. */
export const FORMATS: Readonly<Record<FormatName, FormatHandler>> = {
  csv: { currency: 'records', read: readCsv, sink: (p) => new CsvSink(openOutput(p)) },
  ndjson: { currency: 'records', read: readNdjson, sink: (p) => new NdjsonSink(openOutput(p)) },
  arrow: { currency: 'batches', read: (p, o) => readArrowIpc(p, o, 'file'), sink: (p) => new ArrowSink(p, 'file') },
  arrows: { currency: 'batches', read: (p, o) => readArrowIpc(p, o, 'stream'), sink: (p) => new ArrowSink(p, 'stream') },
  parquet: { currency: 'batches', read: readParquet, sink: (p) => ParquetSink.open(p) },
};

const BY_EXTENSION: Readonly<Record<string, FormatName>> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.arrow': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.arrows': 'arrows',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export function isFormatName(x: unknown): x is FormatName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(FORMATS, x);
}

/**
 * The format of a path: `override` (the --format flag) if given, else the extension. stdout ('-') with no
 * --format is NDJSON, the one format that reads well in a terminal and streams line by line.
 *
 * ```ts
 * formatOf('out/readings.parquet'); // 'parquet'
 * ```
 */
export function formatOf(path: string, override?: string, role: 'input' | 'output' = 'input'): FormatName {
  if (override !== undefined) {
    if (!isFormatName(override)) throw new FormatError(`unknown format '${override}'; expected one of ${Object.keys(FORMATS).join(', ')}`);
    return override;
  }
  if (path === STDIO) {
    if (role === 'output') return 'ndjson';
    throw new FormatError(`cannot tell the format of stdin; pass --format (${Object.keys(FORMATS).join(', ')}) or use sniffFormat`);
  }
  const found = BY_EXTENSION[extname(path).toLowerCase()];
  if (found === undefined) {
    throw new FormatError(`cannot tell the format of ${path} from its extension; name it .csv, .ndjson, .jsonl, .arrow, .arrows or .parquet, or pass --format`);
  }
  return found;
}

/**
 * Guesses the format of a stream from its first bytes: Parquet and Arrow files start with magic bytes, an
 * Arrow stream with a continuation marker, NDJSON with `{`; anything else is CSV. Returns a stream that
 * yields the whole input again, first bytes included (the original is consumed).
 */
export async function sniffFormat(stream: Readable): Promise<{ format: FormatName; stream: Readable }> {
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first = await it.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value);
  const replay = Readable.from(
    (async function* () {
      if (head.length > 0) yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(),
    { objectMode: false },
  );
  return { format: formatOfHead(head), stream: replay };
}

function formatOfHead(head: Buffer): FormatName {
  if (head.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  if (head.subarray(0, 6).toString('latin1') === 'ARROW1') return 'arrow';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xffffffff) return 'arrows';
  const text = head.subarray(0, 64).toString('utf8').replace(/^\ufeff/, '').trimStart();
  return text.startsWith('{') ? 'ndjson' : 'csv';
}

/** A format that cannot be determined or is unknown: bad usage, exit code 2. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
}
