import { readFileSync, writeFileSync } from 'node:fs';
import { parseCsv, tempDir, weir } from './support/weir';

const tmp = tempDir('badrows');
afterAll(() => tmp.remove());

// A per-row pipeline, written where a user would keep it (outside the repository): every good input row
// has exactly one output row, so "every good row is in the output" can be checked.
const PIPELINE = `
import { map, ops, pipeline } from '@weir/dataflow';
export const inputSchema = { accel: { type: 'tensor', dtype: 'float32', shape: [3] } };
export default pipeline(map((r: any) => ({ sensor: r.sensor, time: r.time, scaled: ops.mul(r.value, 2), norm: ops.sqrt(ops.sum(ops.square(r.accel))) })));
`;

const GOOD = [
  's1,1000,20.5,"[0,0,1]"',
  's2,2000,21,"[3,4,0]"',
  's1,3000,22,"[0,0,2]"',
  's2,4000,23.5,"[1,0,0]"',
];
const BAD: [string, number, string | undefined, RegExp][] = [
  ['s1,1500,abc,"[0,0,1]"', 3, 'value', /text where a number is expected/],
  ['s2,2500,21,"[3,4]"', 5, 'accel', /tensor has 2 elements; expected 3/],
  ['s1,3500,22', 7, 'accel', /expected 4 fields, found 3/],
  ['s2,4500,23,"[1,[0],0]"', 8, 'accel', /ragged tensor/],
];

function writeInput(): { csv: string; pipeline: string } {
  // Bad rows at known lines: header is line 1.
  const lines = ['sensor,time,value,accel', GOOD[0], BAD[0][0], GOOD[1], BAD[1][0], GOOD[2], BAD[2][0], BAD[3][0], GOOD[3]];
  const csv = tmp.path('readings.csv');
  writeFileSync(csv, lines.join('\n') + '\n');
  const pipeline = tmp.path('scale.ts');
  writeFileSync(pipeline, PIPELINE);
  return { csv, pipeline };
}

describe('bad input rows', () => {
  it("--errors fail: exit 2, and the first line of the message names the file, the line and the column", async () => {
    const { csv, pipeline } = writeInput();
    for (const mode of ['graph', 'eager']) {
      const r = await weir(['run', pipeline, '--input', csv, '--output', tmp.path('out.csv'), '--mode', mode], { cwd: tmp.dir });
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(`weir: error: ${csv} line 3, column 'value': text where a number is expected: "abc"`);
    }
  });

  it('a dead-letter file gets every bad row with its reason, and the output every good row', async () => {
    const { csv, pipeline } = writeInput();
    const dead = tmp.path('dead.ndjson');
    const out = tmp.path('good.csv');
    const r = await weir(['run', pipeline, '--input', csv, '--output', out, '--errors', dead], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(`4 bad rows written to ${dead}`);
    const letters = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(letters).toHaveLength(BAD.length);
    BAD.forEach(([raw, line, column, reason], i) => {
      expect(letters[i]).toMatchObject({ file: csv, line, raw });
      expect(letters[i].column).toBe(column);
      expect(letters[i].reason).toMatch(reason);
    });
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows.map((x) => x.time)).toEqual([1000, 2000, 3000, 4000]);
    expect(rows.map((x) => x.scaled)).toEqual([41, 42, 44, 47]);
    expect(rows.map((x) => x.norm)).toEqual([1, 5, 2, 1]);
  });

  it('--errors skip counts and reports the skipped rows', async () => {
    const { csv, pipeline } = writeInput();
    const r = await weir(['run', pipeline, '--input', csv, '--output', tmp.path('skip.csv'), '--errors', 'skip', '--quiet'], { cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/weir: warning: 4 bad rows skipped \(/);
    expect(parseCsv(readFileSync(tmp.path('skip.csv'), 'utf8'))).toHaveLength(4);
  });
});

describe('records the pipeline fails on', () => {
  it('in graph mode go to the same dead-letter file with the stage and the reason; the others are output', async () => {
    const pipeline = tmp.path('gather.ts');
    writeFileSync(pipeline, "import { map, ops, pipeline } from '@weir/dataflow';\nexport default pipeline(map((r: any) => ({ i: r.i, y: ops.gather(r.x, ops.cast(r.i, 'int32')) })));\n");
    const input = tmp.path('pick.ndjson');
    // Line 2 is a bad input row and line 3 blank, so the record the gather fails on (the second passed on)
    // is on line 4: that is how the dead letter names it, as it names bad input rows.
    writeFileSync(input, ['{"i":0,"x":[1,2,3]}', '{"i":1,"x":[1,2]}', '', '{"i":9,"x":[1,2,3]}', '{"i":2,"x":[4,5,6]}', '{"i":"x","x":[4,5,6]}'].join('\n') + '\n');
    const dead = tmp.path('dead-pipeline.ndjson');
    const out = tmp.path('picked.ndjson');
    const r = await weir(['run', pipeline, '--input', input, '--output', out, '--errors', dead]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual([{ i: 0, y: 1 }, { i: 2, y: 6 }]);
    const letters = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Two bad input rows (a short tensor; a string where the first rows had numbers), one record the gather fails on.
    expect(letters).toHaveLength(3);
    expect(letters.find((l) => l.line === 2)).toMatchObject({ file: input, column: 'x', reason: 'tensor has 2 elements; expected 3 (shape [3])' });
    expect(letters.find((l) => l.line === 6)).toMatchObject({ file: input, column: 'i', reason: 'expected a number, found the string "x"' });
    const failed = letters.find((l) => l.stage !== undefined);
    expect(failed).toMatchObject({ file: input, line: 4, stage: 'map#0' });
    expect(failed.row).toBeUndefined();
    expect(failed.reason).toMatch(/^pipeline error in map#0 \(op 'gather'\): .*contains 9/);
    expect(JSON.parse(failed.raw)).toEqual({ i: 9, x: [1, 2, 3] });
    expect(r.stderr).toMatch(/3 bad rows written to/);
  });

  it('that stop the run (--errors fail) are named by their input line too, in both modes', async () => {
    const pipeline = tmp.path('gather-fail.ts');
    writeFileSync(pipeline, "import { map, ops, pipeline } from '@weir/dataflow';\nexport default pipeline(map((r: any) => ({ y: ops.gather(r.x, ops.cast(r.i, 'int32')) })));\n");
    const input = tmp.path('blank.ndjson');
    writeFileSync(input, ['{"i":0,"x":[1,2,3]}', '', '{"i":9,"x":[1,2,3]}'].join('\n') + '\n');
    for (const mode of ['graph', 'eager']) {
      const r = await weir(['run', pipeline, '--input', input, '--output', tmp.path(`fail-${mode}.ndjson`), '--mode', mode]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('  source element: 1 (0-based, counting input rows that were read)');
      expect(r.stderr).toContain(`  input: ${input} line 3`);
    }
  });
});
