/**
 * The 1-based line each record a text reader passed on starts at, so that a record the pipeline fails on
 * (known to the plan by its index among the records passed on) is reported by its line in the file. Kept
 * as runs: a record on the line after the previous one's costs nothing, so a file of one record a line is
 * one run, and only bad rows, blank lines and records spanning lines (quoted CSV fields) start new ones.
 *
 * ```ts
 * const lines = new RecordLines();
 * [2, 3, 5, 6].forEach((line) => lines.add(line)); // line 4 was a bad row
 * lines.lineOf(2); // 5
 * ```
 */
export class RecordLines {
  /** Index of the first record of each run, and that record's line. */
  private readonly firsts: number[] = [];
  private readonly lines: number[] = [];
  private count = 0;

  /** The next record passed on starts at `line`. */
  add(line: number): void {
    const runs = this.firsts.length;
    if (runs === 0 || this.lines[runs - 1] + (this.count - this.firsts[runs - 1]) !== line) {
      this.firsts.push(this.count);
      this.lines.push(line);
    }
    this.count++;
  }

  /** The line of the record at `index` (0-based, among those added); undefined if none was added there. */
  lineOf(index: number): number | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    let lo = 0;
    let hi = this.firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firsts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return this.lines[lo] + (index - this.firsts[lo]);
  }

  /** Runs kept: one per break in the lines' sequence. */
  get runs(): number {
    return this.firsts.length;
  }
}
