import { tensor, Tensor } from '@weir/dataflow';
import type { TypedArray } from '@weir/dataflow';
import { batchToRows, rowsToBatch } from './batch';
import { tensorColumn } from './tensor-column';

describe('tensorColumn', () => {
  const buf = Float32Array.from({ length: 40 }, (_, i) => i);
  /** Row i of `data` as a [4] tensor: a view, no copy. */
  const row = (i: number, data: Float32Array = buf) => new Tensor('float32', [4], data.subarray(4 * i, 4 * i + 4));
  const column = (values: readonly unknown[]): Tensor => {
    const c = tensorColumn(values);
    if (c === null || c.kind !== 'tensor') throw new Error(`expected a tensor column, got ${JSON.stringify(c)}`);
    return c.tensor;
  };
  const flat = (t: Tensor) => Array.from(t.data);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  it('is the stretch of the buffer itself when the rows are back-to-back views, wherever the run starts', () => {
    const all = column([0, 1, 2].map((i) => row(i)));
    expect(all.shape).toEqual([3, 4]);
    expect(all.data.buffer).toBe(buf.buffer);
    expect(flat(all)).toEqual(range(0, 12));
    // A later batch of the same source: the run starts mid-buffer.
    const later = column([5, 6, 7, 8].map((i) => row(i)));
    expect(later.data.buffer).toBe(buf.buffer);
    expect(later.data.byteOffset).toBe(5 * 16);
    expect(flat(later)).toEqual(range(20, 36));
  });

  it('keeps the dtype of the views (an int32 column over int32 data)', () => {
    const ints = Int32Array.from({ length: 6 }, (_, i) => i);
    const t = column([0, 1, 2].map((i) => new Tensor('int32', [2], ints.subarray(2 * i, 2 * i + 2))));
    expect(t.dtype).toBe('int32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(t.data.buffer).toBe(ints.buffer);
  });

  it('is zero-copy for the rows of a batch read back out (they share one shape array)', () => {
    const b = rowsToBatch([0, 1, 2].map((i) => ({ x: row(i) })), 0);
    const back = batchToRows(b) as { x: Tensor }[];
    expect(back[1].x.shape).toBe(back[0].x.shape);
    const t = column(back.map((r) => r.x));
    expect(t.data.buffer).toBe(buf.buffer);
    expect(flat(t)).toEqual(range(0, 12));
  });

  it('copies views of different buffers, even at the offsets adjacency expects', () => {
    const other = Float32Array.from(buf, (v) => -v);
    const t = column([row(0), row(1, other), row(2)]);
    expect(t.data.buffer).not.toBe(buf.buffer);
    expect(t.data.buffer).not.toBe(other.buffer);
    expect(flat(t)).toEqual([0, 1, 2, 3, -4, -5, -6, -7, 8, 9, 10, 11]);
  });

  it('copies views with a gap between them, or out of order', () => {
    const gap = column([row(0), row(1), row(3)]);
    expect(gap.data.buffer).not.toBe(buf.buffer);
    expect(flat(gap)).toEqual([...range(0, 8), ...range(12, 16)]);
    const swapped = column([row(1), row(0)]);
    expect(flat(swapped)).toEqual([...range(4, 8), ...range(0, 4)]);
  });

  it('copies a single row, and rows with no elements', () => {
    const one = column([row(2)]);
    expect(one.shape).toEqual([1, 4]);
    expect(one.data.buffer).not.toBe(buf.buffer);
    expect(flat(one)).toEqual(range(8, 12));
    const empty = column([0, 1].map(() => new Tensor('float32', [0], buf.subarray(0, 0))));
    expect(empty.shape).toEqual([2, 0]);
    expect(empty.size).toBe(0);
  });

  it('copies, rather than throws, when a row is a tensor built by hand around a plain array', () => {
    const handMade = new Tensor('float32', [4], [40, 50, 60, 70] as unknown as TypedArray);
    expect(flat(column([row(0), handMade, row(2)]))).toEqual([0, 1, 2, 3, 40, 50, 60, 70, 8, 9, 10, 11]);
  });

  it('matches shapes dimension by dimension: scalars, rank 2, a shape array that is not the same object', () => {
    expect(column([tensor(1), tensor(2), tensor(3)]).shape).toEqual([3]);
    const m = (v: number) => tensor([[v, v], [v, v], [v, v]]);
    expect(column([m(1), m(2)]).shape).toEqual([2, 3, 2]);
    expect(column([tensor([1, 2]), tensor([3, 4])]).shape).toEqual([2, 2]);
  });

  it('is null unless every value is a tensor of the first one\'s dtype and shape', () => {
    const good = [0, 1, 2, 3].map((i) => row(i));
    const withAt2 = (v: unknown) => good.map((t, i) => (i === 2 ? v : t));
    expect(tensorColumn([])).toBeNull();
    expect(tensorColumn([1, row(0)])).toBeNull();
    expect(tensorColumn(withAt2(undefined))).toBeNull();
    expect(tensorColumn(withAt2(7))).toBeNull();
    expect(tensorColumn(withAt2({ data: buf.subarray(8, 12), dtype: 'float32', shape: [4] }))).toBeNull();
    expect(tensorColumn(withAt2(new Tensor('int32', [4], Int32Array.from([8, 9, 10, 11]))))).toBeNull();
    expect(tensorColumn(withAt2(new Tensor('float32', [3], buf.subarray(8, 11))))).toBeNull();
    expect(tensorColumn(withAt2(new Tensor('float32', [2, 2], buf.subarray(8, 12))))).toBeNull();
    expect(tensorColumn(withAt2(new Tensor('float32', [4, 1], buf.subarray(8, 12))))).toBeNull();
    const m = (rows: number) => new Tensor('float32', [rows, 2], buf.subarray(0, 2 * rows));
    expect(tensorColumn([m(2), m(2), new Tensor('float32', [2, 3], buf.subarray(0, 6))])).toBeNull();
    expect(tensorColumn([m(2), m(3)])).toBeNull();
  });
});
