import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Field, FixedSizeList, Int32, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Uint8 } from 'apache-arrow';
import { isTensor, Tensor, tensor } from '../core/tensor';
import { fromArrow } from './from-arrow';
import { createArrowWriter, IpcFormat, readArrowBatches, readArrowFile, writeArrowFile } from './ipc';
import { inferSchema, WeirRecord } from './schema';
import { toArrow, toRecordBatch } from './to-arrow';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-arrow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function asTensor(v: unknown): Tensor {
  if (!isTensor(v)) throw new Error(`expected a tensor, got ${String(v)}`);
  return v;
}

function sampleRecords(): WeirRecord[] {
  return [0, 1, 2].map((i) => ({
    f32: tensor([[i, 1.5], [2, 3], [4, -5]], 'float32'),
    f64: tensor([i / 3, 1e-300], 'float64'),
    i32: tensor([[[i, -(2 ** 31)]]], 'int32'),
    u8: tensor([i, 255, 0, 7], 'uint8'),
    bool: tensor([[i % 2 === 0, true], [false, i === 2]], 'bool'),
    rank0: tensor(i * 1.25, 'float64'),
    rank0bool: tensor(i === 1, 'bool'),
    empty: tensor(new Int32Array(0), 'int32', [2, 0]),
    n: i === 1 ? null : i * 10,
    b: i === 2 ? null : i === 0,
    s: i === 0 ? null : `row ${i} ✓`,
    maybe: i === 1 ? tensor([9, 9, 9]) : null,
  }));
}

function plain(records: WeirRecord[]): unknown[] {
  return records.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, isTensor(v) ? { dtype: v.dtype, shape: v.shape, v: v.toArray() } : v])));
}

describe.each<IpcFormat>(['file', 'stream'])('IPC %s format', (format) => {
  const ext = format === 'file' ? 'arrow' : 'arrows';

  it('round-trips tensors of every dtype and rank, zero-size tensors, scalars and nulls through a real file', async () => {
    const records = sampleRecords();
    const path = join(dir, `all.${format}.${ext}`);
    await writeArrowFile(path, toArrow(records), { format });
    const back = fromArrow(await readArrowFile(path));
    expect(plain(back)).toEqual(plain(records));
    expect(asTensor(back[0].empty).shape).toEqual([2, 0]);
    expect(asTensor(back[2].rank0).shape).toEqual([]);
  });

  it('writes the fixed_shape_tensor extension metadata on the schema in the file', async () => {
    const path = join(dir, `meta.${format}.${ext}`);
    await writeArrowFile(path, toArrow(sampleRecords()), { format });
    const table = tableFromIPC(readFileSync(path));
    const f32 = table.schema.fields.find((f) => f.name === 'f32');
    expect(String(f32?.type)).toBe('FixedSizeList[6]<Float32>');
    expect(f32?.metadata.get('ARROW:extension:name')).toBe('arrow.fixed_shape_tensor');
    expect(f32?.metadata.get('ARROW:extension:metadata')).toBe('{"shape":[3,2]}');
    expect(table.schema.fields.find((f) => f.name === 'empty')?.metadata.get('ARROW:extension:metadata')).toBe('{"shape":[2,0]}');
    expect(String(table.schema.fields.find((f) => f.name === 'n')?.type)).toBe('Float64');
  });

  it('reads tensors from a file as zero-copy views over the batch read from it', async () => {
    const path = join(dir, `zc.${format}.${ext}`);
    await writeArrowFile(path, toArrow([{ x: tensor([1, 2, 3]) }, { x: tensor([4, 5, 6]) }]), { format });
    const table = await readArrowFile(path);
    const [, r] = fromArrow(table);
    expect(asTensor(r.x).data.buffer).toBe(table.batches[0].data.children[0].children[0].values.buffer);
    expect(asTensor(r.x).toArray()).toEqual([4, 5, 6]);
  });

  it('reads a file written with apache-arrow alone, as pyarrow lays it out, as Weir tensors', async () => {
    const storage = new FixedSizeList(8, new Field('item', new Uint8(), true));
    const metadata = new Map([
      ['ARROW:extension:name', 'arrow.fixed_shape_tensor'],
      ['ARROW:extension:metadata', '{"shape":[2,2,2]}'],
    ]);
    const fields = [new Field('img', storage, true, metadata), new Field('label', new Int32(), true)];
    const child = makeData({ type: new Uint8(), data: Uint8Array.from({ length: 16 }, (_, i) => i) });
    const data = makeData({
      type: new Struct(fields), length: 2, nullCount: 0,
      children: [makeData({ type: storage, length: 2, child }), makeData({ type: new Int32(), data: new Int32Array([3, 4]) })],
    });
    const path = join(dir, `foreign.${format}.${ext}`);
    writeFileSync(path, tableToIPC(new Table([new RecordBatch(new Schema(fields), data)]), format));
    const [a, b] = fromArrow(await readArrowFile(path));
    expect(asTensor(a.img).shape).toEqual([2, 2, 2]);
    expect(asTensor(a.img).dtype).toBe('uint8');
    expect(asTensor(b.img).toArray()).toEqual([[[8, 9], [10, 11]], [[12, 13], [14, 15]]]);
    expect(b.label).toBe(4);
  });

  it('writes a sliced batch with its offsets applied', async () => {
    const batch = toRecordBatch([0, 1, 2, 3].map((i) => ({ x: tensor([i, -i], 'int32'), s: `s${i}`, ok: i > 1 ? null : true })));
    const path = join(dir, `slice.${format}.${ext}`);
    await writeArrowFile(path, batch.slice(1, 3), { format });
    const rows = fromArrow(await readArrowFile(path));
    expect(rows.map((r) => [asTensor(r.x).toArray(), r.s, r.ok])).toEqual([[[1, -1], 's1', true], [[2, -2], 's2', null]]);
  });

  it('streams a multi-batch file one batch at a time, each read on its own', async () => {
    const rows = 60_000;
    const make = (b: number): RecordBatch => toRecordBatch(Array.from({ length: 4 }, (_, i) => ({
      x: tensor(new Float32Array(rows / 4).fill(b * 10 + i), 'float32', [rows / 4]),
      b,
    })));
    const path = join(dir, `multi.${format}.${ext}`);
    await writeArrowFile(path, [make(0), make(1), make(2)], { format });
    const size = statSync(path).size;
    const seen: number[] = [];
    for await (const batch of readArrowBatches(path)) {
      const [first] = fromArrow(batch);
      seen.push(first.b as number);
      expect(asTensor(first.x).data[0]).toBe(seen.length * 10 - 10);
      // Each batch lives in a buffer read for it alone, not in one buffer holding the whole file.
      expect(batch.data.children[0].children[0].values.buffer.byteLength).toBeLessThan(size / 2);
    }
    expect(seen).toEqual([0, 1, 2]);
  });

  it('writes batch by batch with createArrowWriter and reads back every batch', async () => {
    const path = join(dir, `writer.${format}.${ext}`);
    const schema = inferSchema([{ x: tensor([0, 0]), s: 'a' }]);
    const writer = createArrowWriter(path, schema, format);
    for (let b = 0; b < 3; b++) await writer.write(toRecordBatch([{ x: tensor([b, b + 1]), s: `b${b}` }, { x: null, s: null }], schema));
    await writer.close();
    const batches: RecordBatch[] = [];
    for await (const batch of readArrowBatches(path)) batches.push(batch);
    expect(batches.length).toBe(3);
    const rows = fromArrow(batches);
    expect(rows.map((r) => r.s)).toEqual(['b0', null, 'b1', null, 'b2', null]);
    expect(asTensor(rows[4].x).toArray()).toEqual([2, 3]);
    expect(readFileSync(path).subarray(0, 6).toString() === 'ARROW1').toBe(format === 'file');
  });
});

describe('IPC helpers', () => {
  it('picks the format from the extension: .arrows is the stream format, .arrow the file format', async () => {
    const table = toArrow([{ n: 1 }]);
    await writeArrowFile(join(dir, 'ext.arrow'), table);
    await writeArrowFile(join(dir, 'ext.arrows'), table);
    expect(readFileSync(join(dir, 'ext.arrow')).subarray(0, 6).toString()).toBe('ARROW1');
    expect(readFileSync(join(dir, 'ext.arrows')).subarray(0, 6).toString()).not.toBe('ARROW1');
    expect(fromArrow(await readArrowFile(join(dir, 'ext.arrows')))).toEqual([{ n: 1 }]);
  });

  it('reads the stream format from a Node readable stream', async () => {
    const path = join(dir, 'readable.arrows');
    await writeArrowFile(path, toArrow([1, 2, 3, 4, 5].map((i) => ({ i })), undefined, { batchSize: 2 }));
    const counts: number[] = [];
    for await (const batch of readArrowBatches(createReadStream(path))) counts.push(batch.numRows);
    expect(counts).toEqual([2, 2, 1]);
  });

  it('writes to a caller-supplied writable without ending it', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const table = toArrow([{ t: tensor([1, 2], 'uint8') }]);
    const writer = createArrowWriter(sink, table.schema, 'stream');
    await writer.write(table);
    await writer.close();
    expect(sink.writableEnded).toBe(false);
    const back = fromArrow(tableFromIPC(Buffer.concat(chunks)));
    expect(asTensor(back[0].t).toArray()).toEqual([1, 2]);
  });

  it('rejects a batch whose schema differs from the writer, naming the field', async () => {
    const writer = createArrowWriter(join(dir, 'bad.arrows'), inferSchema([{ a: 1, x: tensor([1, 2]) }]));
    await expect(writer.write(toRecordBatch([{ a: 1, x: tensor([1, 2, 3]) }])))
      .rejects.toThrow("field 1 is 'x': FixedSizeList[3]<Float32>; expected 'x': FixedSizeList[2]<Float32>");
    await writer.close();
    await expect(writer.write(toRecordBatch([{ a: 1, x: tensor([1, 2]) }]))).rejects.toThrow('after close()');
  });

  it('stops early without error when the consumer breaks out of readArrowBatches', async () => {
    const path = join(dir, 'early.arrow');
    await writeArrowFile(path, toArrow([1, 2, 3].map((i) => ({ i })), undefined, { batchSize: 1 }));
    let n = 0;
    for await (const batch of readArrowBatches(path)) {
      n += batch.numRows;
      break;
    }
    expect(n).toBe(1);
  });

  it('refuses an empty list of batches', async () => {
    await expect(writeArrowFile(join(dir, 'none.arrow'), [])).rejects.toThrow("Argument 'data' passed to 'writeArrowFile' is an empty list of batches");
  });
});

describe('IPC edge cases', () => {
  it('writes and reads a table with a schema and no rows', async () => {
    const path = join(dir, 'empty.arrow');
    await writeArrowFile(path, toArrow([], inferSchema([{ x: tensor([1, 2]) }])));
    const table = await readArrowFile(path);
    expect(table.numRows).toBe(0);
    expect(table.schema.fields[0].metadata.get('ARROW:extension:metadata')).toBe('{"shape":[2]}');
  });

  it('closes a writer with no batches into a valid file holding the schema', async () => {
    const path = join(dir, 'nobatches.arrow');
    const writer = createArrowWriter(path, inferSchema([{ s: 'a' }]), 'file');
    await writer.close();
    const table = await readArrowFile(path);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['s']);
    expect(table.numRows).toBe(0);
  });

  it('reads the file format from a Node readable stream too', async () => {
    const path = join(dir, 'readable-file.arrow');
    await writeArrowFile(path, toArrow([1, 2, 3].map((i) => ({ i })), undefined, { batchSize: 2 }));
    const counts: number[] = [];
    for await (const batch of readArrowBatches(createReadStream(path))) counts.push(batch.numRows);
    expect(counts).toEqual([2, 1]);
  });
});
