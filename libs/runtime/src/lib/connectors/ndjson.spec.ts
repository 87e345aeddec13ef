import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tensor, type Tensor } from '@weir/dataflow';
import { RowErrors } from './bad-rows';
import { openOutput } from './io';
import { NdjsonSink, readNdjson } from './ndjson';
import { parseSchema } from './record-schema';
import { drain, tempDir } from './test-util';

const tmp = tempDir('ndjson');
afterAll(() => tmp.remove());

function file(name: string, text: string): string {
  const p = tmp.path(name);
  writeFileSync(p, text);
  return p;
}

describe('readNdjson', () => {
  it('reads typed fields and arrays as tensors, across CRLF and blank lines', async () => {
    const p = file('a.ndjson', '{"k":"a","x":[1,2],"n":1,"b":true}\r\n\n{"k":"b","x":[3,4],"n":2.5,"b":false}\n');
    const rows = await drain(readNdjson(p));
    expect(rows.map((r) => [r.k, r.n, r.b])).toEqual([['a', 1, true], ['b', 2.5, false]]);
    expect((rows[1].x as Tensor).shape).toEqual([2]);
    expect(Array.from((rows[1].x as Tensor).data)).toEqual([3, 4]);
  });

  it('names the 1-based line and the field of a bad line', async () => {
    const p = file('bad.ndjson', '{"v":1}\n\n{"v":"2"}\n');
    await expect(drain(readNdjson(p))).rejects.toThrow(`${p} line 3, column 'v': expected a number, found the string "2"`);
  });

  it('sends invalid JSON, wrong types, missing and unexpected fields and bad tensors to the dead-letter file', async () => {
    const p = file('mixed.ndjson', [
      '{"id":1,"x":[1,2]}',
      '{"id":2,"x":[1,2,3]}',
      '{"id":3,"x":[[1],[2]]}',
      '{"id":4}',
      '{"id":5,"x":[1,2],"extra":0}',
      '{"id":6,"x":[1,2]',
      '[1,2]',
      '{"id":"7","x":[1,2]}',
      '{"id":8,"x":[5,6]}',
    ].join('\n'));
    const dead = tmp.path('dead.ndjson');
    const rowErrors = new RowErrors({ deadLetter: dead });
    const rows = await drain(readNdjson(p, { rowErrors, schema: parseSchema({ id: { type: 'number' }, x: { type: 'tensor', shape: [2] } }, 's') }));
    await rowErrors.close();
    expect(rows.map((r) => r.id)).toEqual([1, 8]);
    const bad = readFileSync(dead, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(bad.map((b) => [b.line, b.column])).toEqual([[2, 'x'], [3, 'x'], [4, 'x'], [5, 'extra'], [6, undefined], [7, undefined], [8, 'id']]);
    expect(bad[0].reason).toBe('tensor has 3 elements; expected 2 (shape [2])');
    expect(bad[2].reason).toBe("missing field 'x'");
    expect(bad[4].reason).toMatch(/^invalid JSON/);
    expect(bad[5].reason).toBe('expected a JSON object, found an array');
    expect(bad[6].raw).toBe('{"id":"7","x":[1,2]}');
  });

  it('reads stdin for "-" with lines split across chunks', async () => {
    const rows = await drain(readNdjson('-', { stdin: Readable.from(['{"a":', '1}\n{"a"', ':2}']) }));
    expect(rows).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('refuses a field holding an object, saying how to fix it', async () => {
    const p = file('obj.ndjson', '{"o":{"x":1}}\n');
    await expect(drain(readNdjson(p))).rejects.toThrow(/field 'o' holds an object.*--schema/);
  });
});

describe('NdjsonSink', () => {
  it('writes tensors as nested arrays with short float32 digits, and reads back', async () => {
    const p = tmp.path('out.ndjson');
    const sink = new NdjsonSink(openOutput(p));
    await sink.write([{ k: 'a', t: tensor([[0.1, 0.2]]), n: NaN }, tensor([1, 2])]);
    await sink.close();
    expect(readFileSync(p, 'utf8')).toBe('{"k":"a","t":[[0.1,0.2]],"n":"NaN"}\n{"value":[1,2]}\n');
    expect(sink.rows).toBe(2);
  });
});
