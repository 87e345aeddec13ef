import { inferJsonField, inferTextField } from './infer';
import { parseSchema } from './record-schema';

describe('inferTextField', () => {
  it('picks the type most samples fit', () => {
    expect(inferTextField('a', ['1', '2.5', '-3e2'], undefined)).toEqual({ name: 'a', type: 'number' });
    expect(inferTextField('a', ['1', 'x', '3'], undefined).type).toBe('number');
    expect(inferTextField('a', ['x', 'y', '3'], undefined).type).toBe('string');
    expect(inferTextField('a', ['true', 'False'], undefined).type).toBe('boolean');
    expect(inferTextField('a', ['', ' '], undefined).type).toBe('string');
  });

  it('infers tensors with the most common shape', () => {
    expect(inferTextField('t', ['[1,2]', '[3,4]', '[5]'], undefined)).toMatchObject({ type: 'tensor', shape: [2] });
    expect(inferTextField('t', ['[true,false]'], undefined)).toMatchObject({ type: 'tensor', dtype: 'bool' });
  });

  it('lets a given schema win, filling in a missing tensor shape from the samples', () => {
    const given = parseSchema({ a: { type: 'string' }, t: { type: 'tensor' } }, 's');
    expect(inferTextField('a', ['1', '2'], given).type).toBe('string');
    expect(inferTextField('t', ['[[1],[2]]'], given)).toMatchObject({ type: 'tensor', shape: [2, 1] });
  });
});

describe('inferJsonField', () => {
  it('takes the first non-null value type', () => {
    expect(inferJsonField('a', [null, 1, 'x'], undefined, 'f').type).toBe('number');
    expect(inferJsonField('a', [[[1, 2]]], undefined, 'f')).toMatchObject({ type: 'tensor', shape: [1, 2] });
    expect(() => inferJsonField('a', [{ b: 1 }], undefined, 'f.ndjson')).toThrow("f.ndjson: field 'a' holds an object");
  });
});
