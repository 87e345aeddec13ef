import { createWriteStream, type WriteStream } from 'node:fs';

/**
 * A row that could not be read, or a record the pipeline failed on. `line` is the 1-based line in a text
 * file where the row starts; `row` the 0-based row index in a columnar file. One of them is always set.
 * This is also the shape of a dead-letter file's NDJSON lines.
 */
export interface BadRow {
  readonly file: string;
  readonly line?: number;
  readonly row?: number;
  readonly column?: string;
  readonly reason: string;
  /** The row as it was in the file (text files), or the record as JSON (columnar files, pipeline errors). */
  readonly raw: string;
  /** For a record the pipeline failed on: the stage that failed (e.g. 'map#2'). */
  readonly stage?: string;
}

/** A bad row under the 'fail' policy: bad input, exit code 2 in the CLI. */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
  constructor(readonly badRow: BadRow) {
    super(describeBadRow(badRow));
  }
}

/** `data.csv line 7, column 'value': text where a number is expected: "abc"` */
export function describeBadRow(b: BadRow): string {
  const where = b.line !== undefined ? `line ${b.line}` : `row ${b.row}`;
  const column = b.column !== undefined ? `, column '${b.column}'` : '';
  return `${b.file} ${where}${column}: ${b.reason}`;
}

/** How bad rows are treated: stop at the first, count and skip them, or write them to a dead-letter file. */
export type RowErrorMode = 'fail' | 'skip' | { readonly deadLetter: string };

/** Longest raw text kept in a dead-letter line; a runaway quoted field must not blow up the file. */
const MAX_RAW = 64 * 1024;

/**
 * One run's bad-row accounting, shared by its readers and its pipeline so all bad rows land in one
 * dead-letter file and one count. Made per run (never shared across runs).
 *
 * ```ts
 * const rows = new RowErrors({ deadLetter: 'bad.ndjson' });
 * rows.reject({ file: 'in.csv', line: 3, column: 'v', reason: 'empty value where a number is expected', raw: 'a,,1' });
 * await rows.close(); // rows.count === 1
 * ```
 */
export class RowErrors {
  private rejected = 0;
  private out: WriteStream | undefined;
  private writeError: Error | undefined;
  private readonly byReason = new Map<string, number>();

  constructor(readonly mode: RowErrorMode = 'fail') {}

  /** Bad rows seen so far and not failed on. */
  get count(): number {
    return this.rejected;
  }

  /** Counts by reason kind (the reason up to its first ':'), for the end-of-run summary. */
  get reasons(): ReadonlyMap<string, number> {
    return this.byReason;
  }

  get deadLetterPath(): string | undefined {
    return typeof this.mode === 'object' ? this.mode.deadLetter : undefined;
  }

  /** Throws BadInputError under 'fail'; otherwise counts the row and, with a dead-letter file, writes it. */
  reject(bad: BadRow): void {
    if (this.mode === 'fail') throw new BadInputError(bad);
    if (this.writeError) throw this.writeError;
    this.rejected++;
    // Counts by kind of reason, not by exact text: "tensor has N elements" whatever N was.
    const kind = bad.reason.split(/[:;]/)[0].replace(/\d+/g, 'N');
    this.byReason.set(kind, (this.byReason.get(kind) ?? 0) + 1);
    const path = this.deadLetterPath;
    if (path === undefined) return;
    if (this.out === undefined) {
      this.out = createWriteStream(path);
      this.out.on('error', (e) => (this.writeError = new Error(`cannot write dead-letter file ${path}: ${e.message}`)));
    }
    const raw = bad.raw.length > MAX_RAW ? bad.raw.slice(0, MAX_RAW) + '...' : bad.raw;
    this.out.write(JSON.stringify({ ...bad, raw }) + '\n');
  }

  /** Flushes the dead-letter file. Safe to call twice. */
  async close(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    if (out !== undefined) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    if (this.writeError) throw this.writeError;
  }

  /** One line for stderr at the end of a run, or undefined when no row was bad. */
  summary(): string | undefined {
    if (this.rejected === 0) return undefined;
    const kinds = [...this.byReason].map(([k, n]) => `${n} ${k}`).join('; ');
    const where = this.deadLetterPath !== undefined ? `written to ${this.deadLetterPath}` : 'skipped';
    return `${this.rejected} bad row${this.rejected === 1 ? '' : 's'} ${where} (${kinds})`;
  }
}
