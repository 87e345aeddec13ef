// projectionPushdown through the file connectors: real files written here, read the way `weir run` reads
// them (plan.runSourceBatches over columnBatchesOf), with the batches the source yields counted column by
// column. The pass on must give the same output as the pass off, and a source must never yield a column the
// plan dropped.
import { writeFileSync } from 'node:fs';
import { map, filter, ops, pipeline, tensor, type Tensor } from '@weir/dataflow';
import { compile } from '../../index';
import { batchToRows, type ColumnBatch } from '../exec/batch';
import { ArrowSink, readArrowIpc } from './arrow-ipc';
import { columnBatchesOf } from './column-batches';
import { openSource } from './endpoints';
import { openOutput } from './io';
import { ParquetSink, readParquet } from './parquet';
import { InputStats } from './reader';
import { RowErrors } from './bad-rows';
import { consume, tempDir } from './test-util';

const tmp = tempDir('projection');
afterAll(() => tmp.remove());

// Five fields; the pipeline reads `v` (the filter) and `x` (the map). `note`, `w` and `big` are dropped.
const records = Array.from({ length: 50 }, (_, i) => ({
  id: i,
  v: i % 7 - 3,
  x: tensor([i, -i, 0.5]),
  note: `row ${i}`,
  w: i * 2,
  big: tensor(Array.from({ length: 64 }, (_, k) => i + k)),
}));
const transform = pipeline(
  filter((r: { v: number }) => ops.greater(r.v, 0)),
  map((r: { x: Tensor }) => ({ s: ops.sum(r.x), y: ops.mul(r.x, 2) })),
);

/** Runs the pipeline over a file as the CLI does; returns the output rows and the column names of every source batch. */
async function runFile(path: string, passes: Record<string, boolean> = {}, batchSize = 16) {
  const source = await openSource(path, { batchSize });
  const plan = compile(transform, { passes, batchSize });
  const seen: string[][] = [];
  async function* counted(batches: AsyncIterable<ColumnBatch>): AsyncGenerator<ColumnBatch> {
    for await (const b of batches) {
      seen.push([...b.columns.keys()]);
      yield b;
    }
  }
  const out: unknown[] = [];
  for await (const b of plan.runSourceBatches((project) => counted(columnBatchesOf(source, project)))) out.push(...batchToRows(b));
  return { out: plainRows(out), seen, plan, source };
}

const plainRows = (rows: unknown[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r as Record<string, unknown>).map(([k, v]) => [k, v instanceof Object && 'toArray' in v ? (v as Tensor).toArray() : v])));

async function writeArrow(name: string, format: 'file' | 'stream'): Promise<string> {
  const p = tmp.path(name);
  const sink = new ArrowSink(p, format);
  await sink.write(records.slice(0, 20));
  await sink.write(records.slice(20));
  await sink.close();
  return p;
}

async function writeParquet(name: string): Promise<string> {
  const p = tmp.path(name);
  const sink = new ParquetSink(openOutput(p), p);
  await sink.write(records);
  await sink.close();
  return p;
}

describe.each([
  ['Arrow IPC file', () => writeArrow('in.arrow', 'file')],
  ['Arrow IPC stream', () => writeArrow('in.arrows', 'stream')],
  ['Parquet', () => writeParquet('in.parquet')],
])('projectionPushdown over %s', (_name, write) => {
  it('yields only the columns the pipeline reads, and the same output as with the pass off', async () => {
    const p = await write();
    const on = await runFile(p);
    const off = await runFile(p, { projectionPushdown: false });
    expect(on.out).toEqual(off.out);
    expect(on.out.length).toBeGreaterThan(0);
    // Every batch the source yielded, the first included, lacks the dropped columns: they never became columns.
    expect(on.seen.length).toBeGreaterThan(1);
    for (const cols of on.seen) expect(cols).toEqual(['v', 'x']);
    for (const cols of off.seen) expect(cols).toEqual(['id', 'v', 'x', 'note', 'w', 'big']);
    expect(on.plan.explain()).toContain('projectionPushdown: reads v, x of id, v, x, note, w, big (4 columns dropped: id, note, w, big)');
    expect(off.plan.explain()).toContain('projectionPushdown: off (switched off)');
    // The reader still reports the file's whole schema.
    expect(on.source.stats.schema?.map((f) => f.name)).toEqual(['id', 'v', 'x', 'note', 'w', 'big']);
  });

  it('keeps the row count when the pipeline reads no field at all', async () => {
    const p = await write();
    const source = await openSource(p, { batchSize: 16 });
    const plan = compile(pipeline(map(() => ({ one: 1 }))), { batchSize: 16 });
    let rows = 0;
    for await (const b of plan.runSourceBatches((project) => columnBatchesOf(source, project))) rows += b.length;
    expect(rows).toBe(records.length);
    expect(plan.explain()).toContain('projectionPushdown: reads no field of id, v, x, note, w, big (6 columns dropped');
  });
});

describe('readParquet with a projection', () => {
  it('hands parquet-wasm the kept columns: the batches it returns hold only those (tensors keep their shape)', async () => {
    const p = await writeParquet('direct.parquet');
    const stats = new InputStats();
    const batches = [];
    for await (const b of readParquet(p, { batchSize: 16, stats, project: () => new Set(['id', 'note', 'w', 'big']) })) batches.push(b);
    expect(batches.map((b) => b.numCols)).toEqual([2, 2, 2, 2]);
    expect(batches[0].schema.fields.map((f) => f.name)).toEqual(['v', 'x']);
    expect(stats.rows).toBe(50);
    expect(stats.schema?.find((f) => f.name === 'x')).toMatchObject({ type: 'tensor', shape: [3] });
    const rows = [];
    for (const b of batches) for await (const cb of columnBatchesOf({ currency: 'batches', batches: async function* () { yield b; } } as never)) rows.push(...batchToRows(cb));
    expect((rows[5] as { x: Tensor }).x.toArray()).toEqual([5, -5, 0.5]);
  });

  it('asks the plan with the schema the batches will have, before reading any', async () => {
    const p = await writeParquet('ask.parquet');
    let asked: unknown;
    await consume(readParquet(p, { project: (s) => ((asked = s), new Set()) }));
    expect(asked).toEqual({
      bare: false,
      fields: [
        { name: 'id', kind: 'number', dtype: 'float64' },
        { name: 'v', kind: 'number', dtype: 'float64' },
        { name: 'x', kind: 'tensor', dtype: 'float32', shape: [3] },
        { name: 'note', kind: 'string' },
        { name: 'w', kind: 'number', dtype: 'float64' },
        { name: 'big', kind: 'tensor', dtype: 'float32', shape: [64] },
      ],
    });
  });
});

describe('readArrowIpc with a projection', () => {
  it('asks with the first batch schema (nulls make a value column) and narrows every batch', async () => {
    const p = await writeArrow('direct.arrow', 'file');
    let asked: { fields: readonly { name: string }[] } | undefined;
    const cols: number[] = [];
    for await (const b of readArrowIpc(p, { batchSize: 16, project: (s) => ((asked = s), new Set(['big', 'note'])) })) cols.push(b.numCols);
    expect(asked?.fields.map((f) => f.name)).toEqual(['id', 'v', 'x', 'note', 'w', 'big']);
    expect(cols).toEqual([4, 4, 4, 4]);
  });
});

describe.each([
  ['CSV', 'in.csv', 'id,v,x,note\n' + records.map((r) => `${r.id},${r.v},"[${r.x.toArray()}]",${r.note}`).join('\n') + '\n'],
  ['NDJSON', 'in.ndjson', records.map((r) => JSON.stringify({ id: r.id, v: r.v, x: r.x.toArray(), note: r.note })).join('\n') + '\n'],
])('projectionPushdown over %s', (_name, file, text) => {
  it('builds no value or column for the dropped fields; output as with the pass off', async () => {
    const p = tmp.path(file);
    writeFileSync(p, text);
    const on = await runFile(p);
    const off = await runFile(p, { projectionPushdown: false });
    expect(on.out).toEqual(off.out);
    for (const cols of on.seen) expect(cols).toEqual(['v', 'x']);
    for (const cols of off.seen) expect(cols).toEqual(['id', 'v', 'x', 'note']);
  });

  it('still checks a dropped field: a bad value there is a bad row, pass on or off', async () => {
    const p = tmp.path(`bad-${file}`);
    const bad = file.endsWith('.csv') ? text.replace('\n3,', '\nthree,') : text.replace('{"id":3,', '{"id":"three",');
    writeFileSync(p, bad);
    const counts = [];
    for (const passes of [{ projectionPushdown: true }, { projectionPushdown: false }]) {
      const rowErrors = new RowErrors('skip');
      const source = await openSource(p, { batchSize: 16, rowErrors });
      const plan = compile(transform, { passes, batchSize: 16 });
      let rows = 0;
      for await (const b of plan.runSourceBatches((project) => columnBatchesOf(source, project))) rows += b.length;
      counts.push([rows, rowErrors.count]);
    }
    expect(counts[0]).toEqual(counts[1]);
    expect(counts[0][1]).toBe(1);
  });
});
