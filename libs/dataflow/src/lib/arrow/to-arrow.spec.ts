import { tensor } from '../core/tensor';
import { batchColumns } from './columns';
import { inferSchema, scalarField, tensorField, WeirRecord } from './schema';
import { toArrow, toRecordBatch } from './to-arrow';

describe('toArrow', () => {
  it('builds one column per field, tensors as flat typed arrays with zeros in null rows', () => {
    const batch = toRecordBatch([{ x: tensor([1, 2]), n: 1 }, { x: null, n: 2 }, { x: tensor([5, 6]), n: null }]);
    const [x, n] = batchColumns(batch);
    expect(x.kind === 'tensor' && Array.from(x.values)).toEqual([1, 2, 0, 0, 5, 6]);
    expect(Array.from(x.validity ?? [])).toEqual([1, 0, 1]);
    expect(n.kind === 'number' && Array.from(n.values)).toEqual([1, 2, 0]);
    expect(Array.from(n.validity ?? [])).toEqual([1, 1, 0]);
    expect(batch.data.children[0].nullCount).toBe(1);
  });

  it('splits into batches of batchSize rows', () => {
    const records = Array.from({ length: 5 }, (_, i) => ({ i }));
    const table = toArrow(records, undefined, { batchSize: 2 });
    expect(table.batches.map((b) => b.numRows)).toEqual([2, 2, 1]);
    expect(table.numRows).toBe(5);
    expect(() => toArrow(records, undefined, { batchSize: 0 })).toThrow("Option 'batchSize' passed to 'toArrow' is 0; expected a positive integer");
  });

  it('makes an empty table with the schema when there are no records', () => {
    const table = toArrow([], { fields: [tensorField('x', 'float32', [2])] });
    expect(table.numRows).toBe(0);
    expect(table.schema.fields[0].metadata.get('ARROW:extension:metadata')).toBe('{"shape":[2]}');
  });

  it('follows a given schema: unnamed fields are left out, a value that does not fit names field and record', () => {
    const schema = { fields: [scalarField('a', 'number', 'int32'), tensorField('x', 'float32', [2])] };
    const batch = toRecordBatch([{ a: 1.7, x: tensor([1, 2]), extra: 'dropped' }], schema);
    expect(batch.schema.fields.map((f) => f.name)).toEqual(['a', 'x']);
    expect(String(batch.schema.fields[0].type)).toBe('Int32');
    const records: WeirRecord[] = [{ a: 1, x: tensor([1, 2]) }, { a: 2, x: tensor([1, 2, 3]) }];
    expect(() => toRecordBatch(records, schema)).toThrow("Field 'x' of record 1 is a tensor of shape [3]; expected [2]");
    expect(() => toRecordBatch([{ a: 'no', x: null }], schema)).toThrow("Field 'a' of record 0 is a string; expected a number");
    expect(() => toRecordBatch([{ a: 1, x: tensor([1, 2], 'int32') }], schema)).toThrow("Field 'x' of record 0 is a tensor of dtype int32; expected float32");
  });

  it('accepts plain numbers in rank-0 tensor fields', () => {
    const schema = { fields: [tensorField('t', 'int32', [])] };
    const [t] = batchColumns(toRecordBatch([{ t: 3 }, { t: tensor(4, 'int32') }], schema));
    expect(t.kind === 'tensor' && Array.from(t.values)).toEqual([3, 4]);
  });

  it('reports the shape error of inference with the record that introduced the field', () => {
    expect(() => toArrow([{ x: tensor([1, 2, 3]) }, { x: tensor([1, 2, 3]) }, { x: tensor([1, 2, 3]) }, { x: tensor([1, 2]) }]))
      .toThrow("Field 'x' of record 3 is a tensor of shape [2]; expected [3] like record 0");
    expect(inferSchema([{ x: tensor([1]) }]).fields[0].kind).toBe('tensor');
  });
});
