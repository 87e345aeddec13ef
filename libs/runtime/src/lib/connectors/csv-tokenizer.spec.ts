import { CsvTokenizer, type CsvRow } from './csv-tokenizer';

function tokenize(text: string, chunkSize = text.length): CsvRow[] {
  const t = new CsvTokenizer();
  const rows: CsvRow[] = [];
  for (let i = 0; i < text.length; i += chunkSize) rows.push(...t.push(text.slice(i, i + chunkSize)));
  rows.push(...t.end());
  return rows;
}

describe('CsvTokenizer', () => {
  it('splits plain records and numbers their lines', () => {
    expect(tokenize('a,b\n1,2\n3,4\n')).toEqual([
      { fields: ['a', 'b'], line: 1, raw: 'a,b' },
      { fields: ['1', '2'], line: 2, raw: '1,2' },
      { fields: ['3', '4'], line: 3, raw: '3,4' },
    ]);
  });

  it('reads quoted fields with delimiters, escaped quotes and line breaks (RFC 4180)', () => {
    const rows = tokenize('x,y\r\n"a,b","say ""hi"""\r\n"two\nlines",z\r\nlast,1');
    expect(rows.map((r) => r.fields)).toEqual([['x', 'y'], ['a,b', 'say "hi"'], ['two\nlines', 'z'], ['last', '1']]);
    // The record after a quoted line break starts one line later than a naive count says.
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5]);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    const text = 'id,v,t\r\n1,"a ""q"" b","[1,2]"\r\n\r\n2,,"x\ny"\n3,z,\r\n';
    const whole = tokenize(text);
    for (const size of [1, 2, 3, 5, 7]) expect(tokenize(text, size)).toEqual(whole);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 6]);
    expect(whole[3].fields).toEqual(['3', 'z', '']);
  });

  it('skips blank lines but counts them', () => {
    expect(tokenize('a\n\n\nb\n').map((r) => [r.fields[0], r.line])).toEqual([['a', 1], ['b', 4]]);
  });

  it('strips a byte-order mark', () => {
    expect(tokenize('\ufeffa,b\n')[0].fields).toEqual(['a', 'b']);
  });

  it('reports text after a closing quote as a malformed record and goes on at the next line', () => {
    const rows = tokenize('a,b\n"x"y,1\nc,d\n');
    expect(rows[1]).toMatchObject({ line: 2, raw: '"x"y,1', error: 'unexpected text after a closing quote' });
    expect(rows[2]).toEqual({ fields: ['c', 'd'], line: 3, raw: 'c,d' });
  });

  it('reports an unterminated quote at the end of input', () => {
    const rows = tokenize('a\n"open\nmore');
    expect(rows[1]).toMatchObject({ line: 2, error: 'unterminated quoted field' });
  });

  it('holds back an incomplete record until more text arrives', () => {
    const t = new CsvTokenizer();
    expect(t.push('a,"b')).toEqual([]);
    expect(t.pending).toBe(4);
    expect(t.push('c"\n')).toEqual([{ fields: ['a', 'bc'], line: 1, raw: 'a,"bc"' }]);
  });

  it('takes another delimiter', () => {
    const t = new CsvTokenizer(';');
    expect([...t.push('a;"b;c"\n'), ...t.end()][0].fields).toEqual(['a', 'b;c']);
    expect(() => new CsvTokenizer('"')).toThrow(/delimiter/);
  });
});
