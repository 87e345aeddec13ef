import { isTensor } from '@weir/dataflow';
import { BadInputError, RowErrors } from './bad-rows';
import { CellError, describeJson, fromJsonValue } from './cell';
import { INFER_ROWS, inferJsonField } from './infer';
import { displayName, openInput, openOutput, type ByteSink } from './io';
import { textProjection } from './projection';
import { batchSizeOf, MAX_RECORD_CHARS, type ReadOptions } from './reader';
import type { SchemaField } from './record-schema';
import type { RecordSink } from './sink';
import { asRecord, toJsonValue, type Rec } from './text-values';

interface JsonLine {
  /** Undefined when the line is not a JSON object; `error` says why. */
  readonly value: Record<string, unknown> | undefined;
  readonly error?: string;
  readonly line: number;
  readonly raw: string;
}

/**
 * Reads NDJSON (one JSON object a line; `.ndjson` / `.jsonl`) into chunks of records, streaming. Fields are
 * typed by `options.schema` or by the first `inferRows` lines; JSON types must match (a number field holding
 * `"3"` is a bad row), arrays are tensors of the field's shape, and a field missing from a line or not in
 * the schema makes the line bad. Bad lines go to `options.rowErrors` with their 1-based line number.
 *
 * ```ts
 * for await (const records of readNdjson('features.ndjson')) console.log(records[0].x.shape);
 * ```
 */
export async function* readNdjson(path: string, options: ReadOptions = {}): AsyncGenerator<Rec[]> {
  const batchSize = batchSizeOf(options);
  const decoder = new NdjsonDecoder(displayName(path), options);
  const input = await openInput(path, options.stdin);
  input.setEncoding('utf8');
  let rest = '';
  let line = 1;
  let out: Rec[] = [];
  const emit = function* (all: boolean): Generator<Rec[]> {
    while (out.length >= batchSize || (all && out.length > 0)) {
      const part = out.length <= batchSize ? out : out.slice(0, batchSize);
      out = out.length <= batchSize ? [] : out.slice(batchSize);
      if (options.stats) options.stats.rows += part.length;
      yield part;
    }
  };
  try {
    for await (const text of input as AsyncIterable<string>) {
      const chunk = rest.length ? rest + text : text;
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
        decoder.line(chunk.slice(start, nl), line++, out);
        start = nl + 1;
      }
      rest = chunk.slice(start);
      if (rest.length > MAX_RECORD_CHARS) {
        throw new BadInputError({ file: displayName(path), line, reason: `line is longer than ${MAX_RECORD_CHARS} characters`, raw: '' });
      }
      yield* emit(false);
    }
    if (rest.length) decoder.line(rest, line, out);
    decoder.finish(out);
    yield* emit(true);
  } finally {
    input.destroy();
  }
}

/** Per-read state: the sampled lines, then the fields. */
class NdjsonDecoder {
  private fields: SchemaField[] | undefined;
  private names: Set<string> | undefined;
  /** Per field: built into records, or (dropped by the plan's projection) only checked. */
  private keep: boolean[] = [];
  private readonly sample: JsonLine[] = [];
  private readonly rowErrors: RowErrors;
  private readonly inferRows: number;

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions,
  ) {
    this.rowErrors = options.rowErrors ?? new RowErrors('fail');
    this.inferRows = options.inferRows ?? INFER_ROWS;
  }

  line(text: string, line: number, out: Rec[]): void {
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (raw.trim() === '') return;
    const parsed = parseLine(raw, line);
    if (this.fields !== undefined) return this.convert(parsed, out);
    // Lines that fail to parse wait in the sample too, so bad rows are reported in file order.
    this.sample.push(parsed);
    if (this.sample.length >= this.inferRows) this.decide(out);
  }

  finish(out: Rec[]): void {
    if (this.fields === undefined && this.sample.length > 0) this.decide(out);
  }

  private decide(out: Rec[]): void {
    // A key is a field when most sampled lines have it (the same rule as type inference, infer.ts): a
    // stray key in a few lines makes those lines bad, instead of making every other line miss a field.
    const names: string[] = (this.options.schema ?? []).map((f) => f.name);
    const known = new Set(names);
    const counts = new Map<string, number>();
    const objects = this.sample.flatMap((s) => (s.value !== undefined ? [s.value] : []));
    for (const value of objects) for (const k of Object.keys(value)) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const [k, n] of counts) {
      if (!known.has(k) && n * 2 > objects.length) {
        known.add(k);
        names.push(k);
      }
    }
    this.fields = names.map((name) => inferJsonField(name, objects.map((v) => v[name]), this.options.schema, this.file));
    this.names = known;
    if (this.options.stats) this.options.stats.schema = this.fields;
    const drop = textProjection(this.options.project, this.fields);
    this.keep = this.fields.map((f) => !drop.has(f.name));
    for (const s of this.sample) this.convert(s, out);
    this.sample.length = 0;
  }

  private convert({ value, error, line, raw }: JsonLine, out: Rec[]): void {
    if (value === undefined) return this.rowErrors.reject({ file: this.file, line, reason: error as string, raw });
    const fields = this.fields as SchemaField[];
    const names = this.names as Set<string>;
    const rec: Rec = {};
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i];
      const v = value[field.name];
      if (v === undefined) return this.rowErrors.reject({ file: this.file, line, column: field.name, reason: `missing field '${field.name}'`, raw });
      try {
        // A dropped field is still checked (a bad value stays a bad line, pass on or off); its value is not kept.
        const x = fromJsonValue(v, field);
        if (field.type === 'tensor' && field.shape === undefined && isTensor(x)) fields[i] = { ...field, shape: x.shape };
        if (this.keep[i]) rec[field.name] = x;
      } catch (e) {
        if (!(e instanceof CellError)) throw e;
        return this.rowErrors.reject({ file: this.file, line, column: field.name, reason: e.message, raw });
      }
    }
    for (const k in value) {
      if (!names.has(k)) {
        return this.rowErrors.reject({ file: this.file, line, column: k, reason: `unexpected field '${k}' (not in the first rows or the schema)`, raw });
      }
    }
    this.options.stats?.lines.add(line);
    out.push(rec);
  }
}

function parseLine(raw: string, line: number): JsonLine {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (e) {
    return { value: undefined, error: `invalid JSON: ${(e as Error).message}`, line, raw };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { value: undefined, error: `expected a JSON object, found ${describeJson(value)}`, line, raw };
  }
  return { value: value as Record<string, unknown>, line, raw };
}

/** Writes records as NDJSON, one object a line; tensors as nested arrays (text-values.ts). */
export class NdjsonSink implements RecordSink {
  private written = 0;

  constructor(private readonly out: ByteSink) {}

  static open(path: string): NdjsonSink {
    return new NdjsonSink(openOutput(path));
  }

  get rows(): number {
    return this.written;
  }

  async write(items: readonly unknown[]): Promise<void> {
    if (items.length === 0) return;
    let text = '';
    for (const item of items) text += JSON.stringify(toJsonValue(asRecord(item))) + '\n';
    this.written += items.length;
    await this.out.write(text);
  }

  async close(): Promise<void> {
    await this.out.end();
  }
}
