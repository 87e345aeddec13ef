import { writeFileSync } from 'node:fs';
import { tensor, type Tensor } from '@weir/dataflow';
import { batchesToRecords, recordsToBatches } from './arrow-adapter';
import { openOutput } from './io';
import { PARQUET_ROW_GROUP_ROWS, ParquetSink, readParquet } from './parquet';
import { InputStats } from './reader';
import { consume, drain, tempDir } from './test-util';

const tmp = tempDir('parquet');
afterAll(() => tmp.remove());

describe('Parquet', () => {
  it('round-trips numbers, booleans, strings and tensors', async () => {
    const records = Array.from({ length: 100 }, (_, i) => ({ id: i, s: `row ${i}`, b: i % 3 === 0, t: tensor([[i, 1], [2, -i]], 'float32') }));
    const p = tmp.path('a.parquet');
    const sink = new ParquetSink(openOutput(p), p);
    await sink.write(records.slice(0, 30));
    await sink.write(records.slice(30));
    await sink.close();
    const stats = new InputStats();
    const back = await drain(batchesToRecords(readParquet(p, { stats, batchSize: 16 })));
    expect(back).toHaveLength(100);
    expect(back.map((r) => [r.id, r.s, r.b])).toEqual(records.map((r) => [r.id, r.s, r.b]));
    const t = back[57].t as Tensor;
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([57, 1, 2, -57]);
    expect(stats.schema?.find((f) => f.name === 't')).toMatchObject({ type: 'tensor', shape: [2, 2] });
  });

  it('streams: reads in batches of batchSize across several row groups', async () => {
    const n = PARQUET_ROW_GROUP_ROWS + 1000;
    async function* chunks() {
      for (let start = 0; start < n; start += 10000) {
        yield Array.from({ length: Math.min(10000, n - start) }, (_, i) => ({ v: start + i }));
      }
    }
    const p = tmp.path('big.parquet');
    const sink = ParquetSink.open(p);
    for await (const b of recordsToBatches(chunks())) await sink.writeBatch(b);
    await sink.close();
    let rows = 0;
    let maxBatch = 0;
    let last = -1;
    let ordered = true;
    for await (const b of readParquet(p, { batchSize: 5000 })) {
      rows += b.numRows;
      maxBatch = Math.max(maxBatch, b.numRows);
      const col = b.getChild('v')!;
      for (let i = 0; i < b.numRows; i++) {
        const v = col.get(i) as number;
        if (v !== last + 1) ordered = false;
        last = v;
      }
    }
    expect(rows).toBe(n);
    expect(maxBatch).toBeLessThanOrEqual(5000);
    expect(ordered).toBe(true);
  });

  it('writes a valid, empty Parquet file when there is no output', async () => {
    const p = tmp.path('empty.parquet');
    await ParquetSink.open(p).close();
    expect(await consume(readParquet(p))).toBe(0);
  });

  it('reports a file that is not Parquet as bad input', async () => {
    const p = tmp.path('not.parquet');
    writeFileSync(p, 'a,b\n1,2\n');
    await expect(consume(readParquet(p))).rejects.toThrow(/not a readable Parquet file/);
  });
});
