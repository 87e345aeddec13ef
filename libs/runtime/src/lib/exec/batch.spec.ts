import { tensor, Tensor } from '@weir/dataflow';
import { BARE, batchToRows, Column, compact, numberColumn, numberRunColumn, rowsToBatch } from './batch';
import { schemaOf } from './schema';

describe('column batches', () => {
  const src = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

  it('round-trips records: tensors, numbers, booleans and strings', () => {
    const rows = [
      { id: 'a', x: tensor([1, 2]), n: 1.5, ok: true },
      { id: 'b', x: tensor([3, 4]), n: -2, ok: false },
    ];
    const b = rowsToBatch(rows, src(2));
    expect(b.bare).toBe(false);
    expect(b.columns.get('x')).toMatchObject({ kind: 'tensor' });
    expect((b.columns.get('x') as { tensor: Tensor }).tensor.shape).toEqual([2, 2]);
    expect(b.columns.get('n')).toMatchObject({ kind: 'number' });
    expect(b.columns.get('ok')).toMatchObject({ kind: 'boolean' });
    expect(b.columns.get('id')).toMatchObject({ kind: 'values' });
    const back = batchToRows(b) as typeof rows;
    expect(back.map((r) => ({ ...r, x: r.x.toArray() }))).toEqual(rows.map((r) => ({ ...r, x: r.x.toArray() })));
  });

  it('reads tensor fields as zero-copy views of the column', () => {
    const b = rowsToBatch([{ x: tensor([1, 2]) }, { x: tensor([3, 4]) }], src(2));
    const col = (b.columns.get('x') as { tensor: Tensor }).tensor;
    const rows = batchToRows(b) as { x: Tensor }[];
    expect(rows[1].x.data.buffer).toBe(col.data.buffer);
    expect(rows[1].x.toArray()).toEqual([3, 4]);
  });

  it('keeps mixed or ragged fields as plain values rather than failing', () => {
    const b = rowsToBatch([{ v: 1 }, { v: 'two' }, { v: tensor([1]) }], src(3));
    expect(b.columns.get('v')).toMatchObject({ kind: 'values' });
    const r = rowsToBatch([{ t: tensor([1]) }, { t: tensor([1, 2]) }], src(2));
    expect(r.columns.get('t')).toMatchObject({ kind: 'values' });
  });

  it('handles bare elements and compaction with source indices', () => {
    const b = rowsToBatch([5, 6, 7, 8], Float64Array.from([10, 11, 12, 13]));
    expect(b.bare).toBe(true);
    const c = compact(b, [1, 0, 0, 1]);
    expect(batchToRows(c)).toEqual([5, 8]);
    expect(Array.from(c.src)).toEqual([10, 13]);
  });
});

describe('source index columns made on demand', () => {
  it('a range batch gives start, start + 1, ... when read, and the same array on every read', () => {
    const b = rowsToBatch([10, 20, 30], 7);
    expect(Array.from(b.src)).toEqual([7, 8, 9]);
    expect(b.src).toBe(b.src);
    expect(Array.from(compact(b, [1, 0, 1]).src)).toEqual([7, 9]);
  });

  it('numberColumn copies a run of numbers in place, and gives up at the first non-number', () => {
    const c = numberColumn([5, 1, 2, 3, 'x'], 1, 3);
    expect(c?.kind).toBe('number');
    expect(Array.from((c as { tensor: Tensor }).tensor.data)).toEqual([1, 2, 3]);
    expect(numberColumn([1, 2, 'x'], 0, 3)).toBeNull();
  });
});

describe('tensor columns from views', () => {
  it('uses the shared buffer when the rows are back-to-back views of it, and copies otherwise', () => {
    const buf = Float32Array.from({ length: 12 }, (_, i) => i);
    const rows = [0, 1, 2].map((i) => ({ x: new Tensor('float32', [4], buf.subarray(i * 4, i * 4 + 4)) }));
    const col = (rowsToBatch(rows, 0).columns.get('x') as { tensor: Tensor }).tensor;
    expect(col.data.buffer).toBe(buf.buffer);
    expect(Array.from(col.data)).toEqual(Array.from(buf));
    const shuffled = [rows[1], rows[0], rows[2]];
    const copied = (rowsToBatch(shuffled, 0).columns.get('x') as { tensor: Tensor }).tensor;
    expect(copied.data.buffer).not.toBe(buf.buffer);
    expect(Array.from(copied.data.subarray(0, 4))).toEqual([4, 5, 6, 7]);
  });
});

describe('number columns left in their source array', () => {
  it('are checked up front, typed float64 without a copy, and copied on the first read of tensor', () => {
    const source = [1, 2, 3, 4, 5];
    const c = numberRunColumn(source, 1, 3);
    expect(c?.kind).toBe('number');
    const b = { length: 3, bare: true, columns: new Map([[BARE, c as Column]]), src: new Float64Array(3) };
    expect(schemaOf(b)).toEqual([{ name: BARE, kind: 'number', dtype: 'float64' }]);
    source[2] = 30; // not copied yet: the column still reads the array
    expect(Array.from((c as { tensor: Tensor }).tensor.data)).toEqual([2, 30, 4]);
    source[2] = 300; // copied now
    expect(Array.from((c as { tensor: Tensor }).tensor.data)).toEqual([2, 30, 4]);
    expect(numberRunColumn([1, 'x', 3], 0, 3)).toBeNull();
  });
});
