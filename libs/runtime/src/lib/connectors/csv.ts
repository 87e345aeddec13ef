import { isTensor } from '@weir/dataflow';
import { BadInputError, RowErrors } from './bad-rows';
import { CellError, parseCell } from './cell';
import { CsvTokenizer, type CsvRow } from './csv-tokenizer';
import { INFER_ROWS, inferTextField } from './infer';
import { displayName, InputError, openInput, openOutput, OutputError, type ByteSink } from './io';
import { textProjection } from './projection';
import { batchSizeOf, MAX_RECORD_CHARS, type ReadOptions } from './reader';
import type { SchemaField } from './record-schema';
import type { RecordSink } from './sink';
import { asRecord, toCsvCell, type Rec } from './text-values';

/**
 * Reads a CSV file (or stdin for '-') with a header line into chunks of records, streaming: memory holds
 * one read chunk, one batch and the rows sampled for type inference. Column types come from
 * `options.schema`, else from the first `inferRows` rows (infer.ts). A bad row (wrong number of fields, a
 * value of the wrong type, a ragged or wrongly shaped tensor, bad quoting) goes to `options.rowErrors`,
 * named by its 1-based line in the file and its column.
 *
 * ```ts
 * for await (const records of readCsv('readings.csv')) console.log(records.length);
 * ```
 */
export async function* readCsv(path: string, options: ReadOptions = {}): AsyncGenerator<Rec[]> {
  const batchSize = batchSizeOf(options);
  const decoder = new CsvDecoder(displayName(path), options);
  const tokenizer = new CsvTokenizer(options.delimiter);
  const input = await openInput(path, options.stdin);
  input.setEncoding('utf8');
  let out: Rec[] = [];
  try {
    for await (const text of input as AsyncIterable<string>) {
      decoder.feed(tokenizer.push(text), out, false);
      if (tokenizer.pending > MAX_RECORD_CHARS) decoder.tooLong(tokenizer.pendingLine);
      while (out.length >= batchSize) {
        const full = out.length === batchSize ? out : out.slice(0, batchSize);
        out = out.length === batchSize ? [] : out.slice(batchSize);
        if (options.stats) options.stats.rows += full.length;
        yield full;
      }
    }
    decoder.feed(tokenizer.end(), out, true);
    for (let i = 0; i < out.length; i += batchSize) {
      const part = out.slice(i, i + batchSize);
      if (options.stats) options.stats.rows += part.length;
      yield part;
    }
  } finally {
    // An early return (take(n) downstream) must release the file.
    input.destroy();
  }
}

/** Header, type inference and per-row conversion; per read, never shared. */
class CsvDecoder {
  private header: string[] | undefined;
  private fields: SchemaField[] | undefined;
  /** Per column: built into records, or (dropped by the plan's projection) only checked. */
  private keep: boolean[] = [];
  private readonly sample: CsvRow[] = [];
  private readonly rowErrors: RowErrors;
  private readonly inferRows: number;

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions,
  ) {
    this.rowErrors = options.rowErrors ?? new RowErrors('fail');
    this.inferRows = options.inferRows ?? INFER_ROWS;
  }

  feed(rows: readonly CsvRow[], out: Rec[], final: boolean): void {
    for (const row of rows) {
      if (this.header === undefined) this.setHeader(row);
      else if (this.fields !== undefined) this.convert(row, out);
      else {
        this.sample.push(row);
        if (this.sample.length >= this.inferRows) this.decide(out);
      }
    }
    if (final && this.header !== undefined && this.fields === undefined) this.decide(out);
  }

  /** Fatal whatever the policy: with no line break in sight there is no next row to go on from. */
  tooLong(line: number): never {
    throw new BadInputError({
      file: this.file,
      line,
      reason: `record is longer than ${MAX_RECORD_CHARS} characters; is a quote left open?`,
      raw: '',
    });
  }

  private setHeader(row: CsvRow): void {
    if (row.error !== undefined) throw new InputError(`${this.file} line ${row.line}: bad header: ${row.error}`);
    const names = row.fields.map((f) => f.trim());
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (name === '') throw new InputError(`${this.file} line ${row.line}: header column ${i + 1} has no name`);
      if (seen.has(name)) throw new InputError(`${this.file} line ${row.line}: header names column '${name}' twice`);
      seen.add(name);
    });
    for (const f of this.options.schema ?? []) {
      if (!seen.has(f.name)) throw new InputError(`${this.file}: the schema names field '${f.name}', but the header has no such column (it has ${names.join(', ')})`);
    }
    this.header = names;
  }

  private decide(out: Rec[]): void {
    const header = this.header as string[];
    this.fields = header.map((name, i) =>
      inferTextField(name, this.sample.filter((r) => r.error === undefined && r.fields.length === header.length).map((r) => r.fields[i]), this.options.schema),
    );
    if (this.options.stats) this.options.stats.schema = this.fields;
    const drop = textProjection(this.options.project, this.fields);
    this.keep = this.fields.map((f) => !drop.has(f.name));
    for (const row of this.sample) this.convert(row, out);
    this.sample.length = 0;
  }

  private convert(row: CsvRow, out: Rec[]): void {
    const fields = this.fields as SchemaField[];
    const header = this.header as string[];
    if (row.error !== undefined) return this.reject(row, undefined, row.error);
    const cells = row.fields;
    if (cells.length !== fields.length) {
      const column = cells.length < fields.length ? header[cells.length] : undefined;
      return this.reject(row, column, `expected ${fields.length} fields, found ${cells.length}`);
    }
    const rec: Rec = {};
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      try {
        // A dropped column is still checked (a bad value stays a bad row, pass on or off); its value is not kept.
        const v = parseCell(cells[i], field);
        // A tensor column with no declared shape takes the first value's shape for the rest of the file.
        if (field.type === 'tensor' && field.shape === undefined && isTensor(v)) fields[i] = { ...field, shape: v.shape };
        if (this.keep[i]) rec[field.name] = v;
      } catch (e) {
        if (!(e instanceof CellError)) throw e;
        return this.reject(row, field.name, e.message);
      }
    }
    this.options.stats?.lines.add(row.line);
    out.push(rec);
  }

  private reject(row: CsvRow, column: string | undefined, reason: string): void {
    this.rowErrors.reject(column === undefined ? { file: this.file, line: row.line, reason, raw: row.raw } : { file: this.file, line: row.line, column, reason, raw: row.raw });
  }
}

/**
 * Writes records as CSV with a header taken from the first record's fields. Tensors and other structured
 * values are written as JSON in a quoted cell, which `readCsv` reads back as tensors.
 */
export class CsvSink implements RecordSink {
  private header: string[] | undefined;
  private written = 0;

  constructor(
    private readonly out: ByteSink,
    private readonly delimiter = ',',
  ) {}

  static open(path: string): CsvSink {
    return new CsvSink(openOutput(path));
  }

  get rows(): number {
    return this.written;
  }

  async write(items: readonly unknown[]): Promise<void> {
    if (items.length === 0) return;
    const d = this.delimiter;
    const lines: string[] = [];
    if (this.header === undefined) {
      this.header = Object.keys(asRecord(items[0]));
      lines.push(this.header.map((h) => toCsvCell(h, d)).join(d));
    }
    const header = this.header;
    const known = new Set(header);
    for (const item of items) {
      const rec = asRecord(item);
      for (const k in rec) {
        if (!known.has(k)) {
          throw new OutputError(`output record ${this.written} has field '${k}', which the first record did not have; CSV needs the same fields (${header.join(', ')}) in every record`);
        }
      }
      lines.push(header.map((h) => toCsvCell(rec[h], d)).join(d));
      this.written++;
    }
    await this.out.write(lines.join('\n') + '\n');
  }

  async close(): Promise<void> {
    await this.out.end();
  }
}
