import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { isTensor, tensor, type Tensor } from '@weir/dataflow';
import { BadInputError, RowErrors } from './bad-rows';
import { CsvSink, readCsv } from './csv';
import { InputError, openOutput } from './io';
import { InputStats } from './reader';
import { parseSchema } from './record-schema';
import { drain, tempDir } from './test-util';

const tmp = tempDir('csv');
afterAll(() => tmp.remove());

function file(name: string, text: string): string {
  const p = tmp.path(name);
  writeFileSync(p, text);
  return p;
}

describe('readCsv', () => {
  it('infers number, boolean, string and tensor columns from the first rows', async () => {
    const p = file('typed.csv', 'id,name,ok,v\n1,a,true,"[1,2,3]"\n2,"b, c",false,"[4,5,6]"\n');
    const stats = new InputStats();
    const rows = await drain(readCsv(p, { stats }));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ id: 2, name: 'b, c', ok: false });
    const v = rows[1].v as Tensor;
    expect(isTensor(v) && v.dtype).toBe('float32');
    expect(Array.from(v.data)).toEqual([4, 5, 6]);
    expect(stats.rows).toBe(2);
    expect(stats.schema?.map((f) => [f.name, f.type])).toEqual([['id', 'number'], ['name', 'string'], ['ok', 'boolean'], ['v', 'tensor']]);
  });

  it('records the line each record passed on starts at, past a bad row and a field spanning lines', async () => {
    // Line 3 is bad (too few fields); the record on line 4 has a quoted field over lines 4-5.
    const p = file('lines.csv', 'id,note\n1,a\n2\n3,"two\nlines"\n4,d\n');
    const stats = new InputStats();
    const rows = await drain(readCsv(p, { stats, rowErrors: new RowErrors('skip') }));
    expect(rows.map((r) => r.id)).toEqual([1, 3, 4]);
    expect([0, 1, 2, 3].map((i) => stats.lines.lineOf(i))).toEqual([2, 4, 6, undefined]);
  });

  it('yields chunks of at most batchSize records', async () => {
    const p = file('many.csv', 'x\n' + Array.from({ length: 10 }, (_, i) => i).join('\n'));
    const sizes: number[] = [];
    for await (const c of readCsv(p, { batchSize: 4, inferRows: 3 })) sizes.push(c.length);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('takes types and tensor shapes from a schema', async () => {
    const p = file('schema.csv', 'id,v\n7,"[[1,2],[3,4]]"\n');
    const schema = parseSchema({ id: { type: 'string' }, v: { type: 'tensor', dtype: 'int32', shape: [2, 2] } }, 'test');
    const [r] = await drain(readCsv(p, { schema }));
    expect(r.id).toBe('7');
    expect((r.v as Tensor).shape).toEqual([2, 2]);
    expect((r.v as Tensor).dtype).toBe('int32');
  });

  it('fails on a bad row naming the file, the 1-based line and the column', async () => {
    const p = file('bad.csv', 'id,value\n1,2.5\n2,abc\n3,4\n');
    await expect(drain(readCsv(p))).rejects.toThrow(`${p} line 3, column 'value': text where a number is expected: "abc"`);
  });

  it('counts the line a row starts on, past quoted line breaks', async () => {
    const p = file('multiline.csv', 'note,n\n"a\nb",1\n"c",x\n');
    await expect(drain(readCsv(p, { schema: parseSchema({ n: { type: 'number' } }, 't') }))).rejects.toThrow(/line 4, column 'n'/);
  });

  it('sends every kind of bad row to the dead-letter file with its reason, and keeps every good row', async () => {
    const p = file('mixed.csv', [
      'id,v,t',
      '1,1.5,"[1,2]"',
      '2,1.5', // too few fields
      '3,zz,"[1,2]"', // text in a number column
      '4,2,"[1,[2]]"', // ragged tensor
      '5,2,"[1,2,3]"', // wrong length
      '6,2,"[1,2]",9', // too many fields
      '7,"x"y,"[1,2]"', // bad quoting
      '8,3,"[3,4]"',
    ].join('\n'));
    const dead = tmp.path('dead.ndjson');
    const rowErrors = new RowErrors({ deadLetter: dead });
    const schema = parseSchema({ id: { type: 'number' }, v: { type: 'number' }, t: { type: 'tensor', shape: [2] } }, 't');
    const rows = await drain(readCsv(p, { rowErrors, schema }));
    await rowErrors.close();
    expect(rows.map((r) => r.id)).toEqual([1, 8]);
    const lines = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.line, l.column, l.reason])).toEqual([
      [3, 't', 'expected 3 fields, found 2'],
      [4, 'v', 'text where a number is expected: "zz"'],
      [5, 't', 'ragged tensor: element at [1] is an array; expected a number'],
      [6, 't', 'tensor has 3 elements; expected 2 (shape [2])'],
      [7, undefined, 'expected 3 fields, found 4'],
      [8, undefined, 'unexpected text after a closing quote'],
    ]);
    expect(lines[1]).toMatchObject({ file: p, raw: '3,zz,"[1,2]"' });
    expect(rowErrors.count).toBe(6);
  });

  it('reports bad rows among the rows sampled for inference rather than inferring strings', async () => {
    const p = file('early-bad.csv', 'v\n1\nnope\n3\n');
    const rowErrors = new RowErrors('skip');
    expect((await drain(readCsv(p, { rowErrors }))).map((r) => r.v)).toEqual([1, 3]);
    expect(rowErrors.count).toBe(1);
  });

  it('rejects a schema field the header lacks, and a missing file, as bad input', async () => {
    const p = file('h.csv', 'a\n1\n');
    await expect(drain(readCsv(p, { schema: parseSchema({ b: { type: 'number' } }, 's') }))).rejects.toThrow(InputError);
    await expect(drain(readCsv(tmp.path('nope.csv')))).rejects.toThrow(/no such file/);
  });

  it('reads stdin for "-"', async () => {
    const rows = await drain(readCsv('-', { stdin: Readable.from(['a,b\n1,', '2\n']) }));
    expect(rows).toEqual([{ a: 1, b: 2 }]);
  });

  it('throws BadInputError, whose row names the line', async () => {
    const p = file('b2.csv', 'a\n1\n\n2,3\n');
    const err = await drain(readCsv(p)).catch((e) => e);
    expect(err).toBeInstanceOf(BadInputError);
    expect(err.badRow).toMatchObject({ line: 4, reason: 'expected 1 fields, found 2' });
  });
});

describe('CsvSink', () => {
  it('writes a header and quoted cells that readCsv reads back, tensors included', async () => {
    const p = tmp.path('out.csv');
    const sink = new CsvSink(openOutput(p));
    await sink.write([{ id: 1, s: 'a,"b"', t: tensor([0.1, 2]) }, { id: 2, s: 'plain', t: tensor([3, 4]) }]);
    await sink.close();
    expect(readFileSync(p, 'utf8')).toBe('id,s,t\n1,"a,""b""","[0.1,2]"\n2,plain,"[3,4]"\n');
    const back = await drain(readCsv(p));
    expect(back[0].s).toBe('a,"b"');
    expect(Array.from((back[1].t as Tensor).data)).toEqual([3, 4]);
  });

  it('writes bare values as a "value" column and refuses a record with a new field', async () => {
    const p = tmp.path('bare.csv');
    const sink = new CsvSink(openOutput(p));
    await sink.write([1, 2]);
    await expect(sink.write([{ other: 1 }])).rejects.toThrow(/field 'other'/);
    await sink.close();
    expect(readFileSync(p, 'utf8')).toBe('value\n1\n2\n');
  });
});
