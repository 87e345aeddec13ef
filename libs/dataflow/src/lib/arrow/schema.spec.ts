import { Field, FixedSizeList, Float32, Int64, Uint16, Utf8 } from 'apache-arrow';
import { tensor } from '../core/tensor';
import {
  EXTENSION_METADATA_KEY, EXTENSION_NAME_KEY, fromArrowField, fromArrowSchema, inferSchema, scalarField, TENSOR_EXTENSION_NAME,
  tensorField, toArrowField, toArrowSchema, WEIR_KIND_KEY,
} from './schema';

describe('inferSchema', () => {
  it('types each field by its first non-null value, in order of first appearance', () => {
    const s = inferSchema([
      { a: null, x: tensor([[1, 2, 3]], 'int32') },
      { a: 1, s: 'hi', b: true },
      { x: null, a: 2.5 },
    ]);
    expect(s.fields.map((f) => [f.name, f.kind, f.dtype, f.shape])).toEqual([
      ['a', 'number', 'float64', []],
      ['x', 'tensor', 'int32', [1, 3]],
      ['s', 'string', null, []],
      ['b', 'boolean', 'bool', []],
    ]);
    expect(s.fields.map((f) => String(f.arrowType))).toEqual(['Float64', 'FixedSizeList[3]<Int32>', 'Utf8', 'Bool']);
  });

  it('names the field and both records when a tensor shape changes', () => {
    const records = [{ x: tensor([1, 2, 3]) }, { x: tensor([1, 2, 3]) }, { x: null }, { x: tensor([1, 2]) }];
    expect(() => inferSchema(records)).toThrow("Field 'x' of record 3 is a tensor of shape [2]; expected [3] like record 0");
  });

  it('names the field and both records when a kind or a tensor dtype changes', () => {
    expect(() => inferSchema([{ y: null }, { y: 1 }, { y: 'one' }])).toThrow("Field 'y' of record 2 is a string; expected a number like record 1");
    expect(() => inferSchema([{ t: tensor([1]) }, { t: tensor([1], 'int32') }])).toThrow("Field 't' of record 1 is a tensor of dtype int32; expected float32 like record 0");
  });

  it('rejects values that are not number, boolean, string or Tensor, and non-object records', () => {
    expect(() => inferSchema([{ ok: 1 }, { ok: 1, big: 3n as unknown as number }])).toThrow("Field 'big' of record 1 is a bigint; expected a number, boolean, string or Tensor");
    expect(() => inferSchema([{ a: [1, 2] as unknown as number }])).toThrow("Field 'a' of record 0 is an array");
    expect(() => inferSchema([{ a: 1 }, 5 as unknown as Record<string, number>])).toThrow('Record 1 is a number; expected a plain object of fields');
  });

  it('makes an all-null field a Float64 column', () => {
    expect(inferSchema([{ z: null }, { z: undefined }]).fields[0]).toMatchObject({ name: 'z', kind: 'number', dtype: 'float64' });
  });
});

describe('Arrow schema conversion', () => {
  it('puts the canonical extension metadata on tensor fields and round-trips the Weir schema', () => {
    const weir = { fields: [tensorField('img', 'uint8', [2, 3, 4]), scalarField('n', 'number'), scalarField('s', 'string'), tensorField('r0', 'float32', [])] };
    const arrow = toArrowSchema(weir);
    const img = arrow.fields[0];
    expect(img.nullable).toBe(true);
    expect(img.type).toBeInstanceOf(FixedSizeList);
    expect((img.type as FixedSizeList).listSize).toBe(24);
    expect(img.metadata.get(EXTENSION_NAME_KEY)).toBe(TENSOR_EXTENSION_NAME);
    expect(img.metadata.get(EXTENSION_METADATA_KEY)).toBe('{"shape":[2,3,4]}');
    expect(arrow.fields[1].metadata.size).toBe(0);
    expect(arrow.fields[3].metadata.get(WEIR_KIND_KEY)).toBe('tensor');
    const back = fromArrowSchema(arrow);
    expect(back.fields.map((f) => [f.name, f.kind, f.dtype, f.shape])).toEqual(weir.fields.map((f) => [f.name, f.kind, f.dtype, f.shape]));
  });

  it('reads numeric columns from other writers as numbers, and unknown types as errors naming the field', () => {
    expect(fromArrowField(new Field('a', new Uint16()))).toMatchObject({ kind: 'number', dtype: 'float64' });
    expect(fromArrowField(new Field('b', new Int64()))).toMatchObject({ kind: 'number', dtype: 'float64' });
    expect(fromArrowField(new Field('c', new Float32()))).toMatchObject({ kind: 'number', dtype: 'float32' });
    expect(fromArrowField(new Field('d', new Utf8()))).toMatchObject({ kind: 'string', dtype: null });
    expect(() => fromArrowField(new Field('e', new FixedSizeList(2, new Field('item', new Utf8()))))).toThrow("Field 'e' has Arrow type FixedSizeList[2]<Utf8>, which Weir cannot read");
  });

  it('checks the extension metadata against the list size, and rejects permuted layouts', () => {
    const fsl = new FixedSizeList(6, new Field('item', new Float32(), true));
    const meta = (m: string): Map<string, string> => new Map([[EXTENSION_NAME_KEY, TENSOR_EXTENSION_NAME], [EXTENSION_METADATA_KEY, m]]);
    expect(fromArrowField(new Field('t', fsl, true, meta('{"shape":[3,2],"dim_names":["a","b"]}'))).shape).toEqual([3, 2]);
    expect(fromArrowField(new Field('t', fsl, true, meta('{"shape":[3,2],"permutation":[0,1]}'))).shape).toEqual([3, 2]);
    expect(() => fromArrowField(new Field('t', fsl, true, meta('{"shape":[4,2]}')))).toThrow("Field 't' has tensor shape [4,2] (8 elements) but its FixedSizeList size is 6");
    expect(() => fromArrowField(new Field('t', fsl, true, meta('{"shape":[3,2],"permutation":[1,0]}')))).toThrow("Field 't' is a arrow.fixed_shape_tensor with permutation [1,0]");
    expect(() => fromArrowField(new Field('t', fsl, true, meta('nope')))).toThrow(`Field 't' has arrow.fixed_shape_tensor metadata "nope"`);
  });

  it('gives the same Field for a tensorField as toArrowField', () => {
    const f = toArrowField(tensorField('x', 'bool', [5]));
    expect(String(f.type)).toBe('FixedSizeList[5]<Bool>');
    expect(f.name).toBe('x');
  });
});
