import { from, map, ops, tensor, Tensor } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile } from '../../index';
import { NotANumberInRun } from '@weir/kernels-cpu';
import { BARE, batchToRows, Column, compact, isRecord, numberColumn, numberRunColumn, recordColumns, rowsToBatch, uncheckedNumberRun } from './batch';
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

  it('unchecked, say so, and check on the first read of tensor, throwing NotANumberInRun at a value that is not a number', () => {
    const good = uncheckedNumberRun([0, 1, 2, 3], 1, 3);
    expect(good.kind === 'number' && good.run).toEqual({ values: [0, 1, 2, 3], start: 1, checked: false });
    expect(Array.from((good as { tensor: Tensor }).tensor.data)).toEqual([1, 2, 3]);
    const bad = uncheckedNumberRun([0, 1, 'x', 3], 1, 3);
    expect(() => (bad as { tensor: Tensor }).tensor).toThrow(NotANumberInRun);
    expect(() => (bad as { tensor: Tensor }).tensor).toThrow('element 2 of the source array is not a number');
    expect(numberRunColumn([0, 1, 2], 0, 3)?.kind === 'number' && (numberRunColumn([0, 1, 2], 0, 3) as { run: { checked: boolean } }).run.checked).toBe(true);
  });
});

describe('record columns', () => {
  const buf = Float32Array.from({ length: 32 }, (_, i) => i);
  const view = (i: number) => new Tensor('float32', [4], buf.subarray(4 * i, 4 * i + 4));
  const run = (n: number) => Array.from({ length: n }, (_, i) => ({ x: view(i) }));
  const values = (b: { columns: ReadonlyMap<string, Column> }, name: string) => {
    const c = b.columns.get(name);
    if (c?.kind !== 'values') throw new Error(`expected a values column, got ${c?.kind}`);
    return c.values;
  };

  it('one bad record in the middle of an adjacent run leaves the field as the values themselves', () => {
    const wrongShape = new Tensor('float32', [3], buf.subarray(8, 11));
    const wrongDtype = tensor([8, 9, 10, 11], 'int32');
    // [what, the row at index 2, what the column holds there]
    const bad: [string, unknown, unknown][] = [
      ['a wrong shape', { x: wrongShape }, wrongShape],
      ['a wrong dtype', { x: wrongDtype }, wrongDtype],
      ['a missing field', {}, undefined],
      ['a non-record', 5, undefined],
      ['null', null, undefined],
      ['an array', [view(2)], undefined],
      ['a tensor itself', view(2), undefined],
    ];
    for (const [what, row, at2] of bad) {
      const rows: unknown[] = run(5);
      rows[2] = row;
      const b = rowsToBatch(rows, 0);
      expect([what, [...b.columns.keys()]]).toEqual([what, ['x']]);
      const xs = values(b, 'x');
      expect([what, xs.length, xs[2]]).toEqual([what, 5, at2]);
      for (const i of [0, 1, 3, 4]) expect(xs[i]).toBe((rows[i] as { x: Tensor }).x);
    }
  });

  it('takes plain objects alone for records', () => {
    expect(isRecord({ x: 1 })).toBe(true);
    expect(isRecord({})).toBe(true);
    class Point { x = 1; }
    const notRecords = [null, undefined, 1, 'x', [1], tensor([1]), new Point(), Object.create(null), new Map(), Object.setPrototypeOf([1], Object.prototype)];
    for (const v of notRecords) expect([v, isRecord(v)]).toEqual([v, false]);
  });

  it('builds a column for every field any record has, in order of first appearance', () => {
    const rows: unknown[] = run(4);
    rows[2] = { x: view(2), y: 1 };
    rows[3] = { z: true, x: view(3) };
    const b = rowsToBatch(rows, 0);
    expect([...b.columns.keys()]).toEqual(['x', 'y', 'z']);
    expect(b.columns.get('x')?.kind).toBe('tensor');
    expect(values(b, 'y')).toEqual([undefined, undefined, 1, undefined]);
    expect(values(b, 'z')).toEqual([undefined, undefined, undefined, true]);
  });

  it('orders columns by the first record when later ones list the same fields in another order', () => {
    const rows = [{ id: 0, x: view(0) }, { x: view(1), id: 1 }];
    const b = rowsToBatch(rows, 0);
    expect([...b.columns.keys()]).toEqual(['id', 'x']);
    expect((b.columns.get('x') as { tensor: Tensor }).tensor.data.buffer).toBe(buf.buffer);
  });

  it('reads only own fields when Object.prototype has an enumerable one', () => {
    Object.defineProperty(Object.prototype, 'polluted', { value: 1, enumerable: true, configurable: true });
    try {
      const b = rowsToBatch(run(3), 0);
      expect([...b.columns.keys()]).toEqual(['x']);
      expect(b.columns.get('x')?.kind).toBe('tensor');
    } finally {
      delete (Object.prototype as { polluted?: number }).polluted;
    }
  });

  it('keeps a hole of a sparse source array a hole, as Array.prototype.map does', () => {
    const rows = [{ s: 'a' }, , { s: 'b' }];
    const s = values(rowsToBatch(rows, 0), 's');
    expect(s).toHaveLength(3);
    expect(1 in s).toBe(false);
  });

  it('leaves out dropped fields and keeps the others in order', () => {
    const rows = [{ a: 1, x: view(0), b: 'p' }, { a: 2, x: view(1), b: 'q' }];
    const columns = recordColumns(rows, new Set(['x']));
    expect([...columns.keys()]).toEqual(['a', 'b']);
    expect(columns.get('a')?.kind).toBe('number');
  });

  it('in a compiled plan, a bad record in an adjacent run fails or is dead-lettered as it is eagerly', async () => {
    const W = tensor(Float32Array.from({ length: 8 }, (_, i) => i / 4), 'float32', [4, 2]);
    const rows: unknown[] = run(8);
    rows[5] = { x: new Tensor('float32', [3], buf.subarray(20, 23)) };
    const flow = from(rows).pipe(map((r: { x: Tensor }) => ops.sum(ops.matmul(r.x, W))));
    const message = "Stage map#0 (op 'matmul') failed on source element 5: Argument 'b' passed to 'matmul' has shape [4,2]; expected [3,*]";
    await expect(compile(flow, { batchSize: 4 }).collect()).rejects.toThrow(message);
    const dead: [unknown, string][] = [];
    const plan = compile(flow, { batchSize: 4, errors: { deadLetter: (r, e) => dead.push([r, e.message]) } });
    const kept = await plan.collect();
    expect(dead).toEqual([[rows[5], message]]);
    const good = from(rows.filter((_, i) => i !== 5)).pipe(map((r: { x: Tensor }) => ops.sum(ops.matmul(r.x, W))));
    const num = (v: unknown) => (v instanceof Tensor ? v.item() : v) as number;
    const eager = (await eagerCollect(good)).map(num);
    expect(kept).toHaveLength(7);
    kept.map(num).forEach((v, i) => expect(v).toBeCloseTo(eager[i], 4));
  });
});
