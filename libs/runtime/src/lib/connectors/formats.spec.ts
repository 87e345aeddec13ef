import { Readable } from 'node:stream';
import { FormatError, formatOf, sniffFormat } from './formats';

describe('formatOf', () => {
  it('follows the extension unless --format says otherwise', () => {
    expect(formatOf('a/b.CSV')).toBe('csv');
    expect(formatOf('x.jsonl')).toBe('ndjson');
    expect(formatOf('x.arrows')).toBe('arrows');
    expect(formatOf('x.arrow')).toBe('arrow');
    expect(formatOf('x.parquet')).toBe('parquet');
    expect(formatOf('x.txt', 'csv')).toBe('csv');
    expect(formatOf('-', undefined, 'output')).toBe('ndjson');
  });

  it('says what to do when it cannot tell', () => {
    expect(() => formatOf('x.txt')).toThrow(FormatError);
    expect(() => formatOf('x.txt')).toThrow(/pass --format/);
    expect(() => formatOf('x.csv', 'xls')).toThrow(`unknown format 'xls'`);
    expect(() => formatOf('-')).toThrow(/stdin/);
  });
});

describe('sniffFormat', () => {
  it.each([
    ['PAR1....', 'parquet'],
    ['ARROW1\0\0', 'arrow'],
    ['\xff\xff\xff\xff\x10\0', 'arrows'],
    ['  {"a":1}\n', 'ndjson'],
    ['a,b\n1,2\n', 'csv'],
  ])('tells %j is %s and puts the bytes back', async (head, format) => {
    const input = Readable.from([Buffer.from(head, 'latin1'), Buffer.from('rest', 'latin1')], { objectMode: false });
    const sniffed = await sniffFormat(input);
    expect(sniffed.format).toBe(format);
    const chunks: Buffer[] = [];
    for await (const c of sniffed.stream) chunks.push(c);
    expect(Buffer.concat(chunks).toString('latin1')).toBe(head + 'rest');
  });
});
