/**
 * Projection pushdown: wide records (id, v and six more fields, one a 16-wide tensor, one a string) through
 * filter(v > 0) -> map(id * 2 + v) -> reduce(sum), which reads two of the eight fields. Each source runs with
 * the stream pass projectionPushdown on and off: Parquet (the dropped columns are not read from the file),
 * Arrow IPC (not turned into columns), CSV (tokenized and checked, not built) and an in-memory array (not
 * built into columns after the first batch).
 *
 * Weir is imported lazily (./weir/projection.ts) by the cases, so loading the group loads nothing else.
 */
import { compareExact } from './compare';
import type { BenchOptions, Case, Group } from './harness';
import type { FileFormat } from './weir/projection';

export const PROJECTION_BATCH_SIZE = 8192;
const OFF = { projectionPushdown: false } as const;

export function projectionGroup(opts: BenchOptions): Group {
  const n = opts.quick ? 50_000 : 300_000;
  const fileCase = (format: FileFormat, label: string, off: boolean): Case => ({
    name: `${format}${off ? '-off' : ''}`,
    label: `${label}, pass ${off ? 'off' : 'on'}`,
    ...(off ? { relativeTo: format } : {}),
    note: `batchSize ${PROJECTION_BATCH_SIZE}; the file is written before timing`,
    async make() {
      const w = await import('./weir/projection');
      return w.fileRunner(await w.inputFile(format, n), PROJECTION_BATCH_SIZE, off ? OFF : undefined);
    },
  });
  const memoryCase = (off: boolean): Case => ({
    name: `memory${off ? '-off' : ''}`,
    label: `in-memory array, pass ${off ? 'off' : 'on'}`,
    ...(off ? { relativeTo: 'memory' } : {}),
    note: `batchSize ${PROJECTION_BATCH_SIZE}; records built before timing`,
    async make() {
      const w = await import('./weir/projection');
      const rows = Array.from({ length: n }, (_, i) => w.wideRow(i));
      return w.memoryRunner(rows, PROJECTION_BATCH_SIZE, off ? OFF : undefined);
    },
  });
  const filterCase = (off: boolean): Case => ({
    name: `filter-pushdown${off ? '-off' : ''}`,
    label: `filterPushdown: dense layer then filter, pass ${off ? 'off' : 'on'}`,
    // Another pipeline, so another answer: the two filterPushdown cases are checked against each other.
    answerKey: 'filter',
    ...(off ? { relativeTo: 'filter-pushdown' } : {}),
    note: `batchSize ${PROJECTION_BATCH_SIZE}; in-memory records`,
    async make() {
      const w = await import('./weir/projection');
      const rows = Array.from({ length: n }, (_, i) => w.wideRow(i));
      return w.filterPushdownRunner(rows, PROJECTION_BATCH_SIZE, off ? { filterPushdown: false } : undefined);
    },
  });
  return {
    name: 'projection',
    title: 'Pushdown: a pipeline that reads 2 of 8 fields (projectionPushdown), and a filter moved ahead of a dense layer (filterPushdown), pass on vs off',
    workload:
      `${n.toLocaleString('en-US')} records { id, v, a, b, c, d, name: string, emb: float32[16] }; ` +
      '`pipeline(filter(r => ops.greater(r.v, 0)), map(r => ops.add(ops.mul(r.id, 2), r.v)), reduce((a, y) => ops.add(a, y), 0))`, ' +
      "run as `weir run` runs it (`plan.runSourceBatches((project) => columnBatchesOf(openSource(file), project))`) over Parquet, " +
      "Arrow IPC and CSV files written before timing, and compiled over an in-memory array; each with `passes: { projectionPushdown: false }` too.",
    items: n,
    unit: 'records',
    baseline: 'parquet-off',
    notes: [
      'filterPushdown cases: `map(r => ({ v: r.v, s: ops.sum(ops.tanh(ops.matmul(r.emb, W))) }))` (W 16x64 float32), `filter(r => ops.greater(r.v, 2))` (keeps 1 in 7), then a float64 sum; with the pass the filter runs first and the layer only on the kept records. The two are checked against each other, exactly: both add the same per-record values in the same order.',
      'Parquet: parquet-wasm is given the kept columns, so the others are not read from the file. Arrow IPC: the reader still loads each batch message whole; dropped columns are not turned into columns. CSV: every cell is still tokenized and type-checked (a bad value stays a bad row); dropped ones build no value.',
    ],
    cases: [
      fileCase('parquet', 'Parquet file', false),
      fileCase('parquet', 'Parquet file', true),
      fileCase('arrow', 'Arrow IPC file', false),
      fileCase('arrow', 'Arrow IPC file', true),
      fileCase('csv', 'CSV file', false),
      fileCase('csv', 'CSV file', true),
      memoryCase(false),
      memoryCase(true),
      filterCase(false),
      filterCase(true),
    ],
    targets: [
      { subject: 'parquet', baseline: 'parquet-off', atLeast: 1, text: 'Parquet: faster with the pass than without', source: 'optimizer issue (projection pushdown)' },
      { subject: 'arrow', baseline: 'arrow-off', atLeast: 1, text: 'Arrow IPC: faster with the pass than without', source: 'optimizer issue (projection pushdown)' },
      { subject: 'filter-pushdown', baseline: 'filter-pushdown-off', atLeast: 1, text: 'filterPushdown: faster with the pass than without', source: 'optimizer issue (filter pushdown)' },
    ],
    compare: compareExact,
  };
}
