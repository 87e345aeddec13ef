import { RecordLines } from './record-lines';

describe('RecordLines', () => {
  it('maps record indices to lines across bad rows, blank lines and records spanning lines', () => {
    const lines = new RecordLines();
    // Header on line 1; line 4 a bad row; the record at line 7 spans lines 7-8; line 10 blank.
    const added = [2, 3, 5, 6, 7, 9, 11, 12];
    added.forEach((l) => lines.add(l));
    expect(added.map((_, i) => lines.lineOf(i))).toEqual(added);
    expect(lines.runs).toBe(4); // 2-3, 5-7, 9, 11-12
    expect([lines.lineOf(-1), lines.lineOf(8), lines.lineOf(1.5)]).toEqual([undefined, undefined, undefined]);
  });

  it('keeps one run for a file of one record a line', () => {
    const lines = new RecordLines();
    for (let l = 2; l < 100002; l++) lines.add(l);
    expect(lines.runs).toBe(1);
    expect(lines.lineOf(99999)).toBe(100001);
    expect(new RecordLines().lineOf(0)).toBeUndefined();
  });
});
