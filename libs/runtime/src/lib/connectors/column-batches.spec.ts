import { tensor, toRecordBatch, type Tensor } from '@weir/dataflow';
import { batchToRows, rowsToBatch } from '../exec/batch';
import { arrowToColumnBatch, columnBatchToArrow, writeColumnBatch } from './column-batches';
import type { RecordSink } from './sink';

describe('ColumnBatch <-> Arrow', () => {
  const records = [
    { id: 1, ok: true, s: 'a', t: tensor([[1, 2], [3, 4]]) },
    { id: 2, ok: false, s: 'b', t: tensor([[5, 6], [7, 8]]) },
  ];

  it('turns an Arrow batch into executor columns, sharing the tensor buffer, with source indexes', () => {
    const rb = toRecordBatch(records);
    const cb = arrowToColumnBatch(rb, 10);
    expect(Array.from(cb.src)).toEqual([10, 11]);
    expect([...cb.columns.keys()]).toEqual(['id', 'ok', 's', 't']);
    const t = cb.columns.get('t') as { kind: 'tensor'; tensor: Tensor };
    expect(t.kind).toBe('tensor');
    expect(t.tensor.shape).toEqual([2, 2, 2]);
    expect(t.tensor.data.buffer).toBe((rb.getChild('t')!.data[0].children[0].values as Float32Array).buffer);
    expect(batchToRows(cb).map((r: any) => [r.id, r.ok, r.s])).toEqual([[1, true, 'a'], [2, false, 'b']]);
  });

  it('turns executor columns back into an Arrow batch with the tensor extension', () => {
    const cb = rowsToBatch(records, new Float64Array([0, 1]));
    const rb = columnBatchToArrow(cb)!;
    expect(rb.numRows).toBe(2);
    expect(rb.schema.fields.find((f) => f.name === 't')!.metadata.get('ARROW:extension:name')).toBe('arrow.fixed_shape_tensor');
    expect(Array.from(rb.getChild('t')!.get(1) as Iterable<number>)).toEqual([5, 6, 7, 8]);
  });

  it('names a bare batch column "value", and sends batches with mixed values to a sink as records', async () => {
    const bare = columnBatchToArrow(rowsToBatch([1, 2, 3], new Float64Array(3)))!;
    expect(bare.schema.fields.map((f) => f.name)).toEqual(['value']);
    const mixed = rowsToBatch([{ v: 1 }, { v: 'x' }], new Float64Array(2));
    expect(columnBatchToArrow(mixed)).toBeNull();
    const got: unknown[] = [];
    const sink: RecordSink = { rows: 0, write: async (xs) => void got.push(...xs), writeBatch: async () => { throw new Error('not columnar'); }, close: async () => undefined };
    await writeColumnBatch(sink, mixed);
    expect(got).toEqual([{ v: 1 }, { v: 'x' }]);
  });
});
