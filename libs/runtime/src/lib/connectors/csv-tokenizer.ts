/** One CSV record as text: its fields, the 1-based line it starts on, and its raw text (no line break). */
export interface CsvRow {
  readonly fields: string[];
  readonly line: number;
  readonly raw: string;
  /** Set when the record is malformed (bad quoting); its fields are then incomplete. */
  readonly error?: string;
}

const QUOTE = 34; // "
const LF = 10;
const CR = 13;

/**
 * An incremental RFC-4180 tokenizer: feed it text chunks as they arrive, get back the complete records.
 * Quoted fields may hold delimiters, `""` escapes and line breaks; lines end with LF, CRLF or CR; blank
 * lines are skipped (but counted, so line numbers match the file). A record cut by the end of a chunk is
 * kept and finished by the next one, so memory stays at one chunk plus one record.
 *
 * ```ts
 * const t = new CsvTokenizer();
 * t.push('a,"b,c"\n1,'); // [{ fields: ['a', 'b,c'], line: 1, raw: 'a,"b,c"' }]
 * t.end();               // ... then the last record [{ fields: ['1', ''], line: 2, raw: '1,' }]
 * ```
 */
export class CsvTokenizer {
  private buf = '';
  private line = 1;
  private started = false;
  private readonly delim: number;

  constructor(delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`Argument 'delimiter' passed to 'CsvTokenizer' is ${JSON.stringify(delimiter)}; expected one character other than a quote or line break`);
    }
    this.delim = delimiter.charCodeAt(0);
  }

  /** Characters held back, waiting for the rest of their record. */
  get pending(): number {
    return this.buf.length;
  }

  /** The line the held-back record starts on. */
  get pendingLine(): number {
    return this.line;
  }

  push(text: string): CsvRow[] {
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    return this.parse(false);
  }

  end(): CsvRow[] {
    return this.parse(true);
  }

  private parse(final: boolean): CsvRow[] {
    const rows: CsvRow[] = [];
    const buf = this.buf;
    const n = buf.length;
    let pos = 0;
    while (pos < n) {
      const c0 = buf.charCodeAt(pos);
      if (c0 === LF || c0 === CR) {
        const len = c0 === CR && pos + 1 < n && buf.charCodeAt(pos + 1) === LF ? 2 : 1;
        if (c0 === CR && len === 1 && pos + 1 >= n && !final) break;
        pos += len;
        this.line++;
        continue;
      }
      const r = this.record(buf, pos, final);
      if (r === null) break;
      rows.push(r.row);
      pos = r.next;
    }
    this.buf = buf.slice(pos);
    return rows;
  }

  /** Parses the record starting at `start`, or returns null if it may continue past the buffer's end. */
  private record(buf: string, start: number, final: boolean): { row: CsvRow; next: number } | null {
    const n = buf.length;
    const fields: string[] = [];
    let pos = start;
    let quoted = false;
    for (;;) {
      if (pos < n && buf.charCodeAt(pos) === QUOTE) {
        quoted = true;
        let value = '';
        let seg = pos + 1;
        let p = seg;
        for (;;) {
          const q = buf.indexOf('"', p);
          if (q === -1 || (q + 1 >= n && !final)) {
            if (!final) return null;
            return this.finish(buf, start, n, n, fields, 'unterminated quoted field', true);
          }
          if (q + 1 < n && buf.charCodeAt(q + 1) === QUOTE) {
            value += buf.slice(seg, q + 1);
            p = seg = q + 2;
            continue;
          }
          fields.push(value + buf.slice(seg, q));
          pos = q + 1;
          break;
        }
        if (pos >= n) return this.finish(buf, start, pos, pos, fields, undefined, quoted);
        const c = buf.charCodeAt(pos);
        if (c === this.delim) {
          pos++;
          continue;
        }
        if (c !== LF && c !== CR) {
          const eol = nextLineBreak(buf, pos);
          if (eol === -1 && !final) return null;
          const end = eol === -1 ? n : eol;
          return this.finish(buf, start, end, terminatorEnd(buf, end), fields, 'unexpected text after a closing quote', quoted);
        }
      } else {
        let p = pos;
        const d = this.delim;
        while (p < n) {
          const c = buf.charCodeAt(p);
          if (c === d || c === LF || c === CR) break;
          p++;
        }
        if (p >= n && !final) return null;
        fields.push(buf.slice(pos, p));
        pos = p;
        if (pos >= n) return this.finish(buf, start, pos, pos, fields, undefined, quoted);
        if (buf.charCodeAt(pos) === d) {
          pos++;
          continue;
        }
      }
      // At a line break: a lone CR at the buffer's end may be the first half of CRLF.
      if (buf.charCodeAt(pos) === CR && pos + 1 >= n && !final) return null;
      return this.finish(buf, start, pos, terminatorEnd(buf, pos), fields, undefined, quoted);
    }
  }

  private finish(buf: string, start: number, end: number, next: number, fields: string[], error: string | undefined, quoted: boolean): { row: CsvRow; next: number } {
    const raw = buf.slice(start, end);
    const line = this.line;
    // Only quoted fields can hold line breaks, so the count is skipped on the common unquoted path.
    this.line += 1 + (quoted ? countLineBreaks(raw) : 0);
    return { row: error === undefined ? { fields, line, raw } : { fields, line, raw, error }, next };
  }
}

function nextLineBreak(buf: string, from: number): number {
  for (let i = from; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (c === LF || c === CR) return i;
  }
  return -1;
}

function terminatorEnd(buf: string, pos: number): number {
  if (pos >= buf.length) return pos;
  return buf.charCodeAt(pos) === CR && buf.charCodeAt(pos + 1) === LF ? pos + 2 : pos + 1;
}

function countLineBreaks(s: string): number {
  let k = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) k++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) k++;
  }
  return k;
}
