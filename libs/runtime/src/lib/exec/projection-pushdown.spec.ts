// The stream pass projectionPushdown in the runtime: the plan decides from the stages traced against the
// source's schema which fields no stage reads, and in-memory sources never build those columns. Output is
// the same with the pass on and off (and eager); a dropped field is never even read from a record.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { describeSource, filter, from, keyBy, map, ops, pipeline, reduce, scan, take, tensor, type Tensor, type Transform } from '@weir/dataflow';
import { eagerCollect } from '@weir/eager';
import { compile, loadPlan } from '../../index';
import { rowsToBatch, type ColumnBatch } from './batch';
import { sourceBatches } from './source';

type Row = { id: number; k: number; v: number; x: Tensor; name: string; extra: number; blob: Tensor };
const rows: Row[] = Array.from({ length: 37 }, (_, i) => ({
  id: i,
  k: i % 3,
  v: (i % 5) - 2,
  x: tensor([i, 1, -i]),
  name: `n${i}`,
  extra: i * 10,
  blob: tensor([i, i, i, i]),
}));

const plain = (xs: unknown[]): unknown => JSON.parse(JSON.stringify(xs, (_, v) => (v instanceof Object && 'toArray' in v ? (v as Tensor).toArray() : v)));

// Pipelines over records whose extra fields no stage reads (and some that do read everything).
const CASES: [string, Transform<any, any>][] = [
  ['a map that drops fields', pipeline(map((r: Row) => ({ y: ops.mul(r.x, 2), name: r.name })))],
  ['filter then map', pipeline(filter((r: Row) => ops.greater(r.v, 0)), map((r: Row) => ({ s: ops.sum(r.x) })))],
  ['map, filter, map', pipeline(map((r: Row) => ({ a: ops.add(r.v, 1), id: r.id })), filter((r: { a: number }) => ops.greater(r.a, 0)), map((r: { id: number }) => ({ id: r.id })))],
  ['take then map', pipeline(take(20), map((r: Row) => ({ k: r.k })))],
  ['keyBy then reduce', pipeline(keyBy((r: Row) => r.k), reduce((acc: number, r: Row) => ops.add(acc, r.v), 0))],
  ['unkeyed reduce', pipeline(reduce((acc: number, r: Row) => ops.add(acc, ops.sum(r.x)), 0))],
  ['scan', pipeline(scan((acc: number, r: Row) => ops.maximum(acc, r.v), -100))],
  ['a map reading no field', pipeline(map(() => ({ one: 1 })))],
  ['a filter only (rows reach the output whole)', pipeline(filter((r: Row) => ops.less(r.v, 1)))],
  ['a graph break first (reads whole rows)', pipeline(map((r: Row) => ({ t: `${r.name}!` })))],
  ['a spread of the record (passes every field)', pipeline(map((r: Row) => ({ ...r, y: ops.mul(r.v, 3) })))],
];

describe('projectionPushdown (stream pass): results', () => {
  it.each(CASES)('%s: the same output with the pass on and off, and eagerly', async (_name, t) => {
    for (const batchSize of [1, 8, 64]) {
      const on = await compile(from(rows).pipe(t), { batchSize }).collect();
      const off = await compile(from(rows).pipe(t), { batchSize, passes: { projectionPushdown: false } }).collect();
      expect(plain(on)).toEqual(plain(off));
      expect(plain(on)).toEqual(plain(await eagerCollect(from(rows).pipe(t))));
    }
  });

  it('over an in-memory Arrow table, and over plain iterables', async () => {
    const table = tableFromArrays({ id: Float64Array.from(rows, (r) => r.id), v: Float64Array.from(rows, (r) => r.v), w: Float64Array.from(rows, (r) => r.extra) });
    const t = pipeline(filter((r: Row) => ops.greater(r.v, 0)), map((r: Row) => ({ id: r.id })));
    const expected = plain(await compile(t, { passes: { projectionPushdown: false } }).collect(table));
    expect(plain(await compile(t, { batchSize: 5 }).collect(table))).toEqual(expected);
    expect(plain(await compile(t, { batchSize: 5 }).collect(new Set(rows)))).toEqual(plain(await compile(t, { passes: { projectionPushdown: false } }).collect(new Set(rows))));
  });
});

describe('projectionPushdown (stream pass): dropped fields are never read', () => {
  // After the first batch (built whole: its schema is what the plan decides on), reading `extra` throws.
  const trapped = (n: number, batchSize: number) =>
    rows.slice(0, n).map((r, i) => (i < batchSize ? { ...r } : Object.defineProperty({ ...r }, 'extra', { enumerable: true, get: () => { throw new Error(`read extra of row ${i}`); } })));
  const t = pipeline(filter((r: Row) => ops.greater(r.v, -5)), map((r: Row) => ({ s: ops.sum(r.x), id: r.id })));

  it('an in-memory array: later batches never touch a dropped field (with the pass off they do, and fail)', async () => {
    const input = trapped(30, 8);
    const out = await compile(from(input).pipe(t), { batchSize: 8 }).collect();
    expect(out).toHaveLength(30);
    await expect(compile(from(input).pipe(t), { batchSize: 8, passes: { projectionPushdown: false } }).collect()).rejects.toThrow('read extra of row 8');
  });

  it('the batches a source yields carry only the kept columns', async () => {
    const count = async (source: unknown, drop: ReadonlySet<string>) => {
      const cols: string[][] = [];
      for await (const b of sourceBatches(describeSource(source), 8, () => drop)) cols.push([...b.columns.keys()]);
      return cols;
    };
    const drop = new Set(['extra', 'blob', 'name']);
    const kept = ['id', 'k', 'v', 'x'];
    expect(await count(rows, drop)).toEqual(Array(5).fill(kept));
    expect(await count(new Set(rows), drop)).toEqual(Array(5).fill(kept));
    async function* gen() {
      yield* rows;
    }
    expect(await count(gen(), drop)).toEqual(Array(5).fill(kept));
    const table = tableFromArrays({ id: Float64Array.from(rows, (r) => r.id), extra: Float64Array.from(rows, (r) => r.extra), v: Float64Array.from(rows, (r) => r.v) });
    expect(await count(table, drop)).toEqual(Array(5).fill(['id', 'v']));
  });

  it('batches handed to runSourceBatches already built are narrowed before the first stage', async () => {
    const plan = compile(t, { batchSize: 8 });
    async function* built(): AsyncGenerator<ColumnBatch> {
      for (let s = 0; s < rows.length; s += 8) yield rowsToBatch(rows.slice(s, s + 8), Float64Array.from({ length: Math.min(8, rows.length - s) }, (_, i) => s + i));
    }
    const out: ColumnBatch[] = [];
    for await (const b of plan.runSourceBatches(built())) out.push(b);
    expect(out.reduce((n, b) => n + b.length, 0)).toBe(rows.length);
    expect(plan.explain()).toContain('projectionPushdown: reads id, v, x of id, k, v, x, name, extra, blob (4 columns dropped: k, name, extra, blob)');
  });
});

describe('projectionPushdown (stream pass): explain and switches', () => {
  const t = pipeline(filter((r: Row) => ops.greater(r.v, 0)), map((r: Row) => ({ s: ops.sum(r.x) })));

  it('explain shows what the source reads and drops, before and after a run', async () => {
    const plan = compile(from(rows).pipe(t));
    const line = 'projectionPushdown: reads v, x of id, k, v, x, name, extra, blob (5 columns dropped: id, k, name, extra, blob)';
    expect(plan.explain()).toContain(line);
    // Traced ahead of time as the run traces: for the narrowed schema.
    expect(plan.explain()).not.toContain('input extra');
    await plan.collect();
    expect(plan.explain()).toContain(line);
    expect(plan.explain()).toContain('input records: id: number (float64), k: number (float64), v: number (float64), x: float32[3]');
    expect(JSON.parse(plan.explain('json')).projectionPushdown).toEqual({
      fields: ['id', 'k', 'v', 'x', 'name', 'extra', 'blob'],
      read: ['v', 'x'],
      dropped: ['id', 'k', 'name', 'extra', 'blob'],
    });
    expect(plan.explain('dot')).toContain('projectionPushdown: reads v, x');
  });

  it('is switched off by name; keeps everything for a dead-letter policy and for bare streams', async () => {
    expect(compile(from(rows).pipe(t), { passes: { projectionPushdown: false } }).explain()).toContain('projectionPushdown: off (switched off)');
    expect(compile(from(rows).pipe(t), { errors: { deadLetter: () => undefined } }).explain()).toContain('projectionPushdown: off (a dead-letter policy receives whole records)');
    expect(compile(from(rows).pipe(filter((r: Row) => ops.greater(r.v, 0)))).explain()).toContain('projectionPushdown: keeps all 7 field(s)');
    expect(compile(from([1, 2, 3]).pipe(map((x: number) => ops.mul(x, 2)))).explain()).not.toContain('projectionPushdown');
  });

  it('a dead letter receives the whole record the stage failed on', async () => {
    const bad: unknown[] = [];
    // A negative index fails the gather: rows with v < 0 go to the dead letter.
    const failing = pipeline(map((r: Row) => ({ y: ops.gather(tensor([1, 2, 3]), ops.cast(r.v, 'int32'), 0) })));
    const out = await compile(from(rows).pipe(failing), { errors: { deadLetter: (rec) => bad.push(rec) } }).collect();
    expect(out.length + bad.length).toBe(rows.length);
    expect(bad.length).toBeGreaterThan(0);
    for (const r of bad) expect(Object.keys(r as object)).toEqual(Object.keys(rows[0]));
  });

  it('a plan saved after a run with the pass loads and runs over the whole records', async () => {
    const plan = compile(t, { batchSize: 8 });
    const expected = await plan.collect(rows);
    const path = join(mkdtempSync(join(tmpdir(), 'weir-projection-')), 'p.weir');
    await plan.save(path);
    const loaded = await loadPlan(path, { batchSize: 8 });
    expect(plain(await loaded.collect(rows))).toEqual(plain(expected));
    expect(loaded.explain()).not.toContain('columns dropped');
  });
});
