import { readFileSync } from 'node:fs';
import { BadInputError, describeBadRow, RowErrors } from './bad-rows';
import { tempDir } from './test-util';

const tmp = tempDir('badrows');
afterAll(() => tmp.remove());

const bad = { file: 'in.csv', line: 3, column: 'v', reason: 'text where a number is expected: "x"', raw: 'a,x' };

describe('RowErrors', () => {
  it("throws BadInputError under 'fail', naming file, line and column", () => {
    const rows = new RowErrors('fail');
    expect(() => rows.reject(bad)).toThrow(BadInputError);
    expect(() => rows.reject(bad)).toThrow(`in.csv line 3, column 'v': text where a number is expected: "x"`);
    expect(describeBadRow({ file: 'x.parquet', row: 9, reason: 'r', raw: '' })).toBe('x.parquet row 9: r');
  });

  it("counts skipped rows by reason under 'skip' and says so", async () => {
    const rows = new RowErrors('skip');
    rows.reject(bad);
    rows.reject({ ...bad, reason: 'expected 2 fields, found 3' });
    rows.reject(bad);
    await rows.close();
    expect(rows.count).toBe(3);
    expect(rows.summary()).toBe('3 bad rows skipped (2 text where a number is expected; 1 expected N fields, found N)');
  });

  it('writes one NDJSON line per bad row to the dead-letter file', async () => {
    const path = tmp.path('dead.ndjson');
    const rows = new RowErrors({ deadLetter: path });
    rows.reject(bad);
    rows.reject({ ...bad, line: 9, raw: 'x'.repeat(70000) });
    await rows.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toEqual(bad);
    expect(lines[1].raw.length).toBeLessThan(70000);
    expect(rows.summary()).toMatch(`2 bad rows written to ${path}`);
  });

  it('has nothing to say when no row was bad', () => {
    expect(new RowErrors('skip').summary()).toBeUndefined();
  });
});
