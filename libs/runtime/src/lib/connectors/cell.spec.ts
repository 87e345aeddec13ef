import { CellError, fromJsonValue, parseCell, toTensor } from './cell';
import type { SchemaField } from './record-schema';

const num: SchemaField = { name: 'n', type: 'number' };
const int: SchemaField = { name: 'i', type: 'number', dtype: 'int32' };

describe('parseCell', () => {
  it('reads decimal numbers strictly', () => {
    expect(parseCell(' 2.5e1 ', num)).toBe(25);
    expect(parseCell('-0.5', num)).toBe(-0.5);
    expect(parseCell('NaN', num)).toBeNaN();
    for (const bad of ['', '  ', 'abc', '1,5', '0x10', '1e']) expect(() => parseCell(bad, num)).toThrow(CellError);
  });

  it('checks int32 range and integrality', () => {
    expect(parseCell('7', int)).toBe(7);
    expect(() => parseCell('1.5', int)).toThrow('expected an int32, found "1.5"');
    expect(() => parseCell('3000000000', int)).toThrow(CellError);
  });

  it('reads booleans and strings', () => {
    expect(parseCell('TRUE', { name: 'b', type: 'boolean' })).toBe(true);
    expect(parseCell('0', { name: 'b', type: 'boolean' })).toBe(false);
    expect(() => parseCell('yes', { name: 'b', type: 'boolean' })).toThrow('expected true or false, found "yes"');
    expect(parseCell(' x ', { name: 's', type: 'string' })).toBe(' x ');
  });
});

describe('toTensor', () => {
  const t2x2: SchemaField = { name: 't', type: 'tensor', shape: [2, 2], dtype: 'int32' };

  it('builds a tensor of the field dtype and shape', () => {
    const t = toTensor([[1, 2], [3, 4]], t2x2);
    expect([t.dtype, t.shape, Array.from(t.data)]).toEqual(['int32', [2, 2], [1, 2, 3, 4]]);
  });

  it('names ragged and wrongly shaped tensors', () => {
    expect(() => toTensor([[1, 2], [3]], t2x2)).toThrow('ragged tensor: [1] has length 1; expected length 2');
    expect(() => toTensor([1, 2, 3, 4], t2x2)).toThrow('tensor has shape [4]; expected [2,2]');
    expect(() => toTensor([[1, 'a'], [3, 4]], t2x2)).toThrow('tensor element at [0][1] is the string "a"; expected a number');
    expect(() => toTensor('[1]', t2x2)).toThrow('expected a tensor as a JSON array');
  });

  it('refuses fractions in an integer tensor rather than truncating them', () => {
    expect(() => toTensor([[1, 2.5], [3, 4]], t2x2)).toThrow('tensor element at [0][1] is 2.5; expected an integer for dtype int32');
  });
});

describe('fromJsonValue', () => {
  it('requires the JSON type the field has', () => {
    expect(fromJsonValue(3, num)).toBe(3);
    expect(() => fromJsonValue('3', num)).toThrow('expected a number, found the string "3"');
    expect(() => fromJsonValue(null, { name: 's', type: 'string' })).toThrow('expected a string, found null');
  });
});

describe('tensor cells (the 1-D fast path and the general path agree)', () => {
  const v3: SchemaField = { name: 'v', type: 'tensor', shape: [3] };
  it.each([['[1,2.5,-3]'], [' [ 1 , 2.5 , -3e0 ] '], ['[1.0,2.5,-3]']])('reads %j', (text) => {
    const t = parseCell(text, v3) as import('@weir/dataflow').Tensor;
    expect([t.dtype, t.shape, Array.from(t.data)]).toEqual(['float32', [3], [1, 2.5, -3]]);
  });
  it.each([
    ['[1,2,3,4]', 'tensor has 4 elements; expected 3 (shape [3])'],
    ['[1,2]', 'tensor has 2 elements; expected 3 (shape [3])'],
    ['[1,,3]', 'expected a tensor as a JSON array, found "[1,,3]"'],
    ['[1,"a",3]', 'tensor element at [1] is the string "a"; expected a number'],
    ['[1,0x2,3]', 'expected a tensor as a JSON array, found "[1,0x2,3]"'],
    ['[1,[2],3]', 'ragged tensor: element at [1] is an array; expected a number'],
  ])('rejects %j with the exact reason', (text, reason) => {
    expect(() => parseCell(text, v3)).toThrow(reason);
  });
});
