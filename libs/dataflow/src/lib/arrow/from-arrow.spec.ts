import { Field, FixedSizeList, Float64, Int32, makeData, RecordBatch, Schema, Struct, Table, Uint8 } from 'apache-arrow';
import { DType } from '../core/dtype';
import { isTensor, Tensor, tensor } from '../core/tensor';
import { arrowRows, fromArrow } from './from-arrow';
import { toArrow, toRecordBatch } from './to-arrow';

function asTensor(v: unknown): Tensor {
  if (!isTensor(v)) throw new Error(`expected a tensor, got ${String(v)}`);
  return v;
}

describe('fromArrow', () => {
  it('reads tensor fields as zero-copy views over the Arrow child buffer', () => {
    const batch = toRecordBatch([{ x: tensor([1, 2, 3]) }, { x: tensor([4, 5, 6]) }]);
    const child = batch.data.children[0].children[0].values as Float32Array;
    const [a, b] = fromArrow(batch);
    const ta = asTensor(a.x);
    const tb = asTensor(b.x);
    expect(ta.data.buffer).toBe(child.buffer);
    expect(tb.data.buffer).toBe(child.buffer);
    expect(tb.data.byteOffset).toBe(child.byteOffset + 3 * 4);
    expect(tb.toArray()).toEqual([4, 5, 6]);
    // A view, so a change in the Arrow buffer shows through (this is what zero-copy means).
    child[3] = 40;
    expect(tb.data[0]).toBe(40);
  });

  it.each<[DType, number[][]]>([
    ['float32', [[1.5, -2], [3, 4]]],
    ['float64', [[1e300, -2.25], [0, 4]]],
    ['int32', [[-7, 2 ** 31 - 1], [3, 4]]],
    ['uint8', [[0, 255], [3, 4]]],
  ])('round-trips %s tensors of shape [2,2]', (dtype, rows) => {
    const t = tensor(rows, dtype);
    const [r] = fromArrow(toArrow([{ t }]));
    const back = asTensor(r.t);
    expect(back.dtype).toBe(dtype);
    expect(back.shape).toEqual([2, 2]);
    expect(back.toArray()).toEqual(rows);
  });

  it('copies bool tensors out of the bit-packed child (documented) and keeps their values', () => {
    const batch = toRecordBatch([{ m: tensor([true, false, true]) }, { m: tensor([false, false, true]) }]);
    const [a, b] = fromArrow(batch);
    expect(asTensor(a.m).dtype).toBe('bool');
    expect(asTensor(a.m).toArray()).toEqual([true, false, true]);
    expect(asTensor(b.m).toArray()).toEqual([false, false, true]);
    expect(asTensor(a.m).data.buffer).not.toBe(batch.data.children[0].children[0].values.buffer);
  });

  it('reads nulls as null in every kind of column', () => {
    const records = [
      { x: tensor([1, 2]), n: 1, b: true, s: 'a' },
      { x: null, n: null, b: null, s: null },
      { x: tensor([5, 6]), n: 3, b: false, s: 'c' },
    ];
    const back = fromArrow(toArrow(records));
    expect(back[1]).toEqual({ x: null, n: null, b: null, s: null });
    expect(back[2].n).toBe(3);
    expect(back[2].b).toBe(false);
    expect(asTensor(back[2].x).toArray()).toEqual([5, 6]);
  });

  it('respects a sliced batch', () => {
    const batch = toRecordBatch([0, 1, 2, 3, 4].map((i) => ({ x: tensor([i, i * 10], 'int32'), i, s: `r${i}`, b: i % 2 === 0 })));
    const rows = fromArrow(batch.slice(2, 4));
    expect(rows.map((r) => r.i)).toEqual([2, 3]);
    expect(rows.map((r) => r.s)).toEqual(['r2', 'r3']);
    expect(rows.map((r) => r.b)).toEqual([true, false]);
    expect(rows.map((r) => asTensor(r.x).toArray())).toEqual([[2, 20], [3, 30]]);
    expect(asTensor(rows[0].x).data.buffer).toBe(batch.data.children[0].children[0].values.buffer);
  });

  it('reads a table pyarrow-style (built with makeData and the extension metadata) as tensors of the right shape', () => {
    const child = makeData({ type: new Float64(), data: Float64Array.from({ length: 12 }, (_, i) => i) });
    const storage = new FixedSizeList(6, new Field('item', new Float64(), true));
    const metadata = new Map([
      ['ARROW:extension:name', 'arrow.fixed_shape_tensor'],
      ['ARROW:extension:metadata', '{"shape":[2,3]}'],
    ]);
    const fields = [new Field('t', storage, true, metadata), new Field('k', new Int32(), true)];
    const data = makeData({
      type: new Struct(fields), length: 2, nullCount: 0,
      children: [makeData({ type: storage, length: 2, child }), makeData({ type: new Int32(), data: new Int32Array([10, 20]) })],
    });
    const [a, b] = fromArrow(new Table([new RecordBatch(new Schema(fields), data)]));
    expect(asTensor(a.t).shape).toEqual([2, 3]);
    expect(asTensor(b.t).toArray()).toEqual([[6, 7, 8], [9, 10, 11]]);
    expect(asTensor(b.t).data.buffer).toBe(child.values.buffer);
    expect(a.k).toBe(10); // an int32 scalar column from another writer reads as a number
  });

  it('reads a FixedSizeList without the extension metadata as a 1-D tensor of the list size', () => {
    const storage = new FixedSizeList(4, new Field('item', new Uint8(), true));
    const fields = [new Field('v', storage, true)];
    const data = makeData({
      type: new Struct(fields), length: 1, nullCount: 0,
      children: [makeData({ type: storage, length: 1, child: makeData({ type: new Uint8(), data: new Uint8Array([9, 8, 7, 6]) }) })],
    });
    const [r] = fromArrow(new RecordBatch(new Schema(fields), data));
    expect(asTensor(r.v).shape).toEqual([4]);
    expect(asTensor(r.v).dtype).toBe('uint8');
  });

  it('round-trips rank-0 tensors as tensors and zero-size tensors', () => {
    const [r] = fromArrow(toArrow([{ s: tensor(2.5), z: tensor(new Float32Array(0), 'float32', [0, 3]), i: tensor(7, 'int32') }]));
    expect(asTensor(r.s).shape).toEqual([]);
    expect(asTensor(r.s).item()).toBe(2.5);
    expect(asTensor(r.i).dtype).toBe('int32');
    expect(asTensor(r.z).shape).toEqual([0, 3]);
    expect(asTensor(r.z).size).toBe(0);
  });
});

describe('arrowRows', () => {
  it('is lazy: it reads one batch only when its rows are reached', () => {
    const pulled: number[] = [];
    function* batches(): Generator<RecordBatch> {
      for (let b = 0; b < 3; b++) {
        pulled.push(b);
        yield toRecordBatch([{ b, i: 0 }, { b, i: 1 }]);
      }
    }
    const it = arrowRows(batches())[Symbol.iterator]();
    expect(pulled).toEqual([]);
    expect(it.next().value).toEqual({ b: 0, i: 0 });
    expect(it.next().value).toEqual({ b: 0, i: 1 });
    expect(pulled).toEqual([0]);
    expect(it.next().value).toEqual({ b: 1, i: 0 });
    expect(pulled).toEqual([0, 1]);
  });

  it('reads every batch of a multi-batch table in order', () => {
    const table = toArrow(Array.from({ length: 7 }, (_, i) => ({ i })), undefined, { batchSize: 3 });
    expect(table.batches.length).toBe(3);
    expect([...arrowRows(table)].map((r) => r.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});
