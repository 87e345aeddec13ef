import { readFileSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { tensor, type Tensor } from '@weir/dataflow';
import { openSink, openSource } from './endpoints';
import { parseSchema } from './record-schema';
import { consume, drain, tempDir } from './test-util';

const tmp = tempDir('endpoints');
afterAll(() => tmp.remove());

describe('openSource / openSink', () => {
  it('reads a text format as records or as Arrow batches that keep the declared dtypes', async () => {
    const p = tmp.path('a.csv');
    writeFileSync(p, 'id,v\n1,"[1,2]"\n2,"[3,4]"\n');
    const schema = parseSchema({ id: { type: 'number', dtype: 'int32' } }, 's');
    const batches: string[] = [];
    for await (const b of (await openSource(p, { schema })).batches()) batches.push(b.schema.fields.map((f) => `${f.name}:${f.type}`).join(' '));
    expect(batches).toEqual(['id:Int32 v:FixedSizeList[2]<Float32>']);
    const rows = await drain((await openSource(p)).records());
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('reads each input once', async () => {
    const p = tmp.path('once.csv');
    writeFileSync(p, 'a\n1\n');
    const source = await openSource(p);
    await consume(source.rows());
    expect(() => source.records()).toThrow(/already read/);
  });

  it('recognizes the format of stdin from its first bytes', async () => {
    const source = await openSource('-', { stdin: Readable.from([Buffer.from('{"a":1}\n{"a":2}\n')]) });
    expect(source.format).toBe('ndjson');
    expect(await drain(source.records())).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it.each([['csv'], ['ndjson'], ['arrow'], ['arrows'], ['parquet']])('writes and reads back %s, tensors included', async (format) => {
    const p = tmp.path(`rt.${format}`);
    const sink = openSink(p);
    await sink.write([{ k: 'a', n: 1.5, t: tensor([1, 2, 3]) }, { k: 'b', n: -2, t: tensor([4, 5, 6]) }]);
    await sink.close();
    const back = await drain((await openSource(p)).records());
    expect(back.map((r) => [r.k, r.n])).toEqual([['a', 1.5], ['b', -2]]);
    expect(Array.from((back[1].t as Tensor).data)).toEqual([4, 5, 6]);
  });

  it('writes NDJSON to stdout for "-" when no format is given', () => {
    expect(openSink('-').constructor.name).toBe('NdjsonSink');
    expect(readFileSync(tmp.path('rt.csv'), 'utf8').split('\n')[0]).toBe('k,n,t');
  });
});
