import { readFileSync, writeFileSync } from 'node:fs';
import { tensor, type Tensor } from '@weir/dataflow';
import { batchesToRecords } from './arrow-adapter';
import { ArrowSink, readArrowIpc } from './arrow-ipc';
import { InputStats } from './reader';
import { parseSchema } from './record-schema';
import { consume, drain, tempDir } from './test-util';

const tmp = tempDir('arrow');
afterAll(() => tmp.remove());

const records = Array.from({ length: 10 }, (_, i) => ({ id: i, name: `n${i}`, ok: i % 2 === 0, x: tensor([i, i + 0.5, -i]) }));

describe.each([['file', 'out.arrow'], ['stream', 'out.arrows']] as const)('Arrow IPC %s format', (format, name) => {
  it('round-trips records, tensors as arrow.fixed_shape_tensor columns', async () => {
    const p = tmp.path(name);
    const sink = new ArrowSink(p, format);
    await sink.write(records.slice(0, 6));
    await sink.write(records.slice(6));
    await sink.close();
    expect(sink.rows).toBe(10);
    const stats = new InputStats();
    const back = await drain(batchesToRecords(readArrowIpc(p, { stats }, format)));
    expect(back.map((r) => [r.id, r.name, r.ok])).toEqual(records.map((r) => [r.id, r.name, r.ok]));
    expect(Array.from((back[3].x as Tensor).data)).toEqual([3, 3.5, -3]);
    expect(stats.rows).toBe(10);
    expect(stats.schema?.find((f) => f.name === 'x')).toMatchObject({ type: 'tensor', shape: [3], dtype: 'float32' });
    // The canonical extension name is in the file, so pyarrow and Polars see tensors.
    expect(readFileSync(p).includes(Buffer.from('arrow.fixed_shape_tensor'))).toBe(true);
  });
});

describe('readArrowIpc', () => {
  it('slices batches larger than batchSize', async () => {
    const p = tmp.path('big.arrow');
    const sink = new ArrowSink(p, 'file');
    await sink.write(records);
    await sink.close();
    const sizes: number[] = [];
    for await (const b of readArrowIpc(p, { batchSize: 4 })) sizes.push(b.numRows);
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('checks a given schema against the file and names the column that differs', async () => {
    const p = tmp.path('check.arrow');
    const sink = new ArrowSink(p, 'file');
    await sink.write(records);
    await sink.close();
    const schema = parseSchema({ x: { type: 'tensor', shape: [4] } }, 's');
    await expect(consume(readArrowIpc(p, { schema }))).rejects.toThrow(`${p}: column 'x' holds tensors of shape [3]; the schema says [4]`);
  });

  it('reports a file that is not Arrow as bad input', async () => {
    const p = tmp.path('not.arrow');
    writeFileSync(p, 'id,x\n1,2\n');
    await expect(consume(readArrowIpc(p))).rejects.toThrow(/not a readable Arrow IPC/);
  });
});
