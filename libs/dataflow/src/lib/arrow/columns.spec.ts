import { Bool, Dictionary, Field, FixedSizeList, Float32, Int16, Int32, Int64, makeData, RecordBatch, Schema, Struct, Utf8, vectorFromArray } from 'apache-arrow';
import { tensor } from '../core/tensor';
import { batchColumns, Column, columnFromTensor, columnsToBatch, tensorFromColumn, ValueColumn } from './columns';
import { EXTENSION_METADATA_KEY, EXTENSION_NAME_KEY, TENSOR_EXTENSION_NAME } from './schema';

function valueColumn(c: Column): ValueColumn {
  if (c.kind === 'string') throw new Error(`column ${c.name} is a string column`);
  return c;
}

describe('columnsToBatch / batchColumns', () => {
  const x = new Float32Array([1, 2, 3, 4, 5, 6]);
  const batch = columnsToBatch([
    { name: 'x', kind: 'tensor', dtype: 'float32', shape: [3], length: 2, values: x },
    { name: 'id', kind: 'number', dtype: 'float64', shape: [], length: 2, values: new Float64Array([7, 8]) },
    { name: 'ok', kind: 'boolean', dtype: 'bool', shape: [], length: 2, values: new Uint8Array([1, 0]) },
    { name: 's', kind: 'string', dtype: null, values: null, shape: [], length: 2, strings: ['hé', null], validity: new Uint8Array([1, 0]) },
  ]);

  it('builds FixedSizeList tensor columns with the canonical extension metadata', () => {
    const f = batch.schema.fields[0];
    expect(String(f.type)).toBe('FixedSizeList[3]<Float32>');
    expect(f.metadata.get(EXTENSION_NAME_KEY)).toBe(TENSOR_EXTENSION_NAME);
    expect(f.metadata.get(EXTENSION_METADATA_KEY)).toBe('{"shape":[3]}');
    expect(batch.schema.fields.map((g) => String(g.type))).toEqual(['FixedSizeList[3]<Float32>', 'Float64', 'Bool', 'Utf8']);
  });

  it('uses the given typed array as the Arrow child buffer (zero-copy write)', () => {
    expect(batch.data.children[0].children[0].values).toBe(x);
  });

  it('reads back every column, tensor values as a view over the child buffer', () => {
    const cols = batchColumns(batch);
    const [cx, cid, cok, cs] = cols;
    expect(cx).toMatchObject({ name: 'x', kind: 'tensor', dtype: 'float32', shape: [3], length: 2, validity: null });
    expect(valueColumn(cx).values.buffer).toBe(batch.data.children[0].children[0].values.buffer);
    expect(Array.from(valueColumn(cx).values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(valueColumn(cid).values)).toEqual([7, 8]);
    expect(cok).toMatchObject({ kind: 'boolean', dtype: 'bool' });
    expect(Array.from(valueColumn(cok).values)).toEqual([1, 0]);
    expect(cs.kind).toBe('string');
    expect(cs.strings).toEqual(['hé', null]);
    expect(Array.from(cs.validity ?? [])).toEqual([1, 0]);
  });

  it('respects a sliced batch: values start at the slice, still zero-copy', () => {
    const big = columnsToBatch([
      { name: 'x', kind: 'tensor', dtype: 'int32', shape: [2], length: 5, values: Int32Array.from({ length: 10 }, (_, i) => i), validity: new Uint8Array([1, 1, 0, 1, 1]) },
      { name: 'b', kind: 'tensor', dtype: 'bool', shape: [3], length: 5, values: Uint8Array.from({ length: 15 }, (_, i) => (i % 4 === 0 ? 1 : 0)) },
      { name: 's', kind: 'string', dtype: null, values: null, shape: [], length: 5, strings: ['a', 'bb', 'ccc', 'dddd', 'e'] },
    ]);
    const [cx, cb, cs] = batchColumns(big.slice(1, 4));
    expect(cx.length).toBe(3);
    expect(Array.from(valueColumn(cx).values)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(valueColumn(cx).values.buffer).toBe(big.data.children[0].children[0].values.buffer);
    expect(Array.from(cx.validity ?? [])).toEqual([1, 0, 1]);
    // bool elements 3..11 of i % 4 === 0
    expect(Array.from(valueColumn(cb).values)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0]);
    expect(cs.strings).toEqual(['bb', 'ccc', 'dddd']);
  });

  it('round-trips a zero-size tensor shape', () => {
    const b = columnsToBatch([{ name: 'z', kind: 'tensor', dtype: 'float64', shape: [2, 0], length: 3, values: new Float64Array(0) }]);
    const [z] = batchColumns(b);
    expect(z).toMatchObject({ kind: 'tensor', shape: [2, 0], length: 3 });
    expect(valueColumn(z).values.length).toBe(0);
  });

  it('marks rank-0 tensor columns so they read back as tensors, not numbers', () => {
    const b = columnsToBatch([{ name: 't', kind: 'tensor', dtype: 'uint8', shape: [], length: 2, values: new Uint8Array([3, 4]) }]);
    expect(String(b.schema.fields[0].type)).toBe('Uint8');
    expect(batchColumns(b)[0]).toMatchObject({ kind: 'tensor', dtype: 'uint8', shape: [] });
  });

  it('reads foreign FixedSizeList columns without metadata as 1-D tensors, and widens other ints', () => {
    const item = new Field('item', new Float32(), true);
    const fsl = new FixedSizeList(4, item);
    const child = makeData({ type: new Float32(), data: new Float32Array(8).map((_, i) => i) });
    const fields = [new Field('v', fsl, true), new Field('i', new Int16(), true), new Field('l', new Int64(), true)];
    const data = makeData({
      type: new Struct(fields), length: 2, nullCount: 0,
      children: [
        makeData({ type: fsl, length: 2, child }),
        makeData({ type: new Int16(), data: new Int16Array([-1, 2]) }),
        makeData({ type: new Int64(), data: new BigInt64Array([5n, -6n]) }),
      ],
    });
    const [v, i, l] = batchColumns(new RecordBatch(new Schema(fields), data));
    expect(v).toMatchObject({ kind: 'tensor', dtype: 'float32', shape: [4] });
    expect(i).toMatchObject({ kind: 'number', dtype: 'float64' });
    expect(Array.from(valueColumn(i).values)).toEqual([-1, 2]);
    expect(Array.from(valueColumn(l).values)).toEqual([5, -6]);
  });

  it('throws, naming the column, on bad lengths, dtypes and row counts', () => {
    expect(() => columnsToBatch([{ name: 'x', kind: 'tensor', dtype: 'float32', shape: [3], length: 2, values: new Float32Array(5) }]))
      .toThrow("Column 'x' passed to 'columnsToBatch' has 5 values; expected 6 (2 rows of shape [3])");
    expect(() => columnsToBatch([{ name: 'x', kind: 'number', dtype: 'float32', shape: [], length: 2, values: new Float64Array(2) }]))
      .toThrow("Column 'x' passed to 'columnsToBatch' has dtype float32 but its values are a Float64Array; expected Float32Array");
    expect(() => columnsToBatch([
      { name: 'a', kind: 'number', dtype: 'float64', shape: [], length: 2, values: new Float64Array(2) },
      { name: 'b', kind: 'number', dtype: 'float64', shape: [], length: 3, values: new Float64Array(3) },
    ])).toThrow("Column 'b' passed to 'columnsToBatch' has 3 rows; expected 2 like column 'a'");
  });

  it('rejects unreadable Arrow types, naming the field', () => {
    const fields = [new Field('u', new Utf8(), true), new Field('bad', new FixedSizeList(2, new Field('item', new Utf8())), true)];
    const data = makeData({
      type: new Struct(fields), length: 0, nullCount: 0,
      children: [makeData({ type: new Utf8(), length: 0, valueOffsets: new Int32Array(1) }), makeData({ type: fields[1].type as FixedSizeList, length: 0, child: makeData({ type: new Utf8(), length: 0, valueOffsets: new Int32Array(1) }) })],
    });
    expect(() => batchColumns(new RecordBatch(new Schema(fields), data))).toThrow(/Field 'bad' has Arrow type FixedSizeList\[2\]<Utf8>, which Weir cannot read/);
  });

  it('handles bool scalar columns with an offset bitmap', () => {
    const b = columnsToBatch([{ name: 'f', kind: 'boolean', dtype: 'bool', shape: [], length: 10, values: Uint8Array.from({ length: 10 }, (_, i) => i % 3 === 0 ? 1 : 0) }]);
    expect(b.schema.fields[0].type).toBeInstanceOf(Bool);
    expect(Array.from(valueColumn(batchColumns(b.slice(5, 10))[0]).values)).toEqual([0, 1, 0, 0, 1]);
  });
});

describe('tensorFromColumn / columnFromTensor', () => {
  it('gives a batched tensor [rows, ...shape] over the same buffer', () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensorFromColumn({ name: 'x', kind: 'tensor', dtype: 'float32', shape: [1, 3], length: 2, values });
    expect(t.shape).toEqual([2, 1, 3]);
    expect(t.data).toBe(values);
    expect(t.toArray()).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
  });

  it('round-trips a batched tensor through a batch', () => {
    const batched = tensor([[1, 2], [3, 4], [5, 6]], 'int32');
    const batch = columnsToBatch([columnFromTensor('x', batched)]);
    const back = tensorFromColumn(batchColumns(batch)[0]);
    expect(back.shape).toEqual([3, 2]);
    expect(back.dtype).toBe('int32');
    expect(back.data.buffer).toBe(batched.data.buffer);
  });

  it('rejects string columns and rank-0 tensors', () => {
    expect(() => tensorFromColumn({ name: 's', kind: 'string', dtype: null, values: null, shape: [], length: 0, strings: [] }))
      .toThrow("Argument 'column' passed to 'tensorFromColumn' is the string column 's'");
    expect(() => columnFromTensor('x', tensor(1))).toThrow("Argument 'batched' passed to 'columnFromTensor' is a rank-0 tensor");
  });
});

describe('batchColumns on other string layouts', () => {
  it('reads dictionary-encoded strings', () => {
    const dict = vectorFromArray(['a', 'b', null, 'a'], new Dictionary(new Utf8(), new Int32()));
    const fields = [new Field('d', dict.type, true)];
    const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 4, nullCount: 0, children: [dict.data[0]] }));
    const [d] = batchColumns(batch);
    expect(d.kind).toBe('string');
    expect(d.strings).toEqual(['a', 'b', null, 'a']);
  });
});

describe('string columns', () => {
  it('round-trips empty, short ASCII, long and non-ASCII strings', () => {
    const strings = ['', 'a', 'x'.repeat(100), 'héllo wörld, more than twenty-four bytes ✓', '日本', null, 'z'];
    const batch = columnsToBatch([{ name: 's', kind: 'string', dtype: null, values: null, shape: [], length: strings.length, strings, validity: Uint8Array.from(strings, (s) => (s === null ? 0 : 1)) }]);
    expect(batchColumns(batch)[0].strings).toEqual(strings);
    expect(batchColumns(batch.slice(3, 7))[0].strings).toEqual(strings.slice(3, 7));
  });
});

describe('malformed input', () => {
  it('rejects a FixedSizeList whose child is shorter than rows * size, naming the field', () => {
    const storage = new FixedSizeList(3, new Field('item', new Float32(), true));
    const fields = [new Field('t', storage, true)];
    const child = makeData({ type: new Float32(), data: new Float32Array(4) });
    const data = makeData({ type: new Struct(fields), length: 2, nullCount: 0, children: [makeData({ type: storage, length: 2, child })] });
    expect(() => batchColumns(new RecordBatch(new Schema(fields), data))).toThrow("Field 't' has 4 values for 2 rows of shape [3]; expected 6");
  });
});
