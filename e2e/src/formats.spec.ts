import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedSensorMeans } from './support/sensors-oracle';
import { EXAMPLES, expectClose, readParquetFile, tempDir, weir, WEIR } from './support/weir';

const tmp = tempDir('formats');
afterAll(() => tmp.remove());

const SENSORS_CSV = join(EXAMPLES, 'data/sensors.csv');
const FEATURES = join(EXAMPLES, 'data/features.ndjson');

function byKey(rows: Record<string, unknown>[]): Map<string, Record<string, unknown>> {
  return new Map(rows.map((r) => [`${r.sensor}|${r.start}`, r]));
}

describe('CSV in -> pipeline -> Parquet out', () => {
  it('writes Parquet in graph mode that reads back to the expected values', async () => {
    const out = tmp.path('means-graph.parquet');
    const r = await weir(['run', 'examples/sensors.ts', '--input', SENSORS_CSV, '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/graph mode/);
    const { rows } = readParquetFile(out);
    const expected = expectedSensorMeans(SENSORS_CSV);
    expect(rows).toHaveLength(expected.size);
    for (const [k, row] of byKey(rows)) expectClose(row, expected.get(k), 1e-5);
  });

  it('gives the same output with --mode eager as in graph mode', async () => {
    const graph = tmp.path('g.parquet');
    const eager = tmp.path('e.parquet');
    const [g, e] = await Promise.all([
      weir(['run', 'examples/sensors.ts', '--input', SENSORS_CSV, '--output', graph, '--mode', 'graph']),
      weir(['run', 'examples/sensors.ts', '--input', SENSORS_CSV, '--output', eager, '--mode', 'eager']),
    ]);
    expect([g.code, e.code]).toEqual([0, 0]);
    expect(e.stderr).toMatch(/eager mode/);
    const gr = readParquetFile(graph).rows;
    const er = readParquetFile(eager).rows;
    expect(gr.length).toBe(er.length);
    expectClose(gr, er, 1e-6);
  });

  it('keeps tensor columns as arrow.fixed_shape_tensor in Parquet, and the dense example agrees across modes', async () => {
    const graph = tmp.path('dense-g.parquet');
    const eager = tmp.path('dense-e.parquet');
    const [g, e] = await Promise.all([
      weir(['run', 'examples/dense.ts', '--input', FEATURES, '--output', graph]),
      weir(['run', 'examples/dense.ts', '--input', FEATURES, '--output', eager, '--mode', 'eager']),
    ]);
    expect([g.code, e.code]).toEqual([0, 0]);
    const { rows, metadata } = readParquetFile(graph);
    expect(metadata.mean['ARROW:extension:name']).toBe('arrow.fixed_shape_tensor');
    expect(JSON.parse(metadata.mean['ARROW:extension:metadata'])).toEqual({ shape: [4] });
    expect(rows).toHaveLength(600);
    expectClose(rows, readParquetFile(eager).rows, 1e-6);
    // relu: no activation is negative; the running mean of a group's first record is that record's y.
    expect(rows.every((r) => (r.y as number[]).every((v) => v >= 0))).toBe(true);
    const first = rows.find((r) => r.n === 1)!;
    expectClose(first.mean, first.y, 1e-6);
  });

  it.each([['arrow'], ['arrows'], ['ndjson'], ['csv']])('round-trips %s through stdin and stdout', async (format) => {
    const pipelineFile = tmp.path('pass.ts');
    writeFileSync(pipelineFile, "import { map, pipeline } from '@weir/dataflow';\nexport default pipeline(map((r: any) => r));\n");
    const file = tmp.path(`features.${format}`);
    const w = await weir(['run', pipelineFile, '--input', FEATURES, '--output', file, '--quiet']);
    expect(w.code).toBe(0);
    // Read the file back through stdin (its format recognized from its first bytes), out to stdout as NDJSON.
    const input = readFileSync(file, format === 'arrow' || format === 'arrows' ? 'latin1' : 'utf8');
    const back = await new Promise<string>((resolve, reject) => {
      const child = spawn(WEIR, ['run', pipelineFile, '--input', '-', '--output', '-', '--format', 'ndjson', '--quiet']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code: number | null) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
      child.stdin.end(Buffer.from(input, format === 'arrow' || format === 'arrows' ? 'latin1' : 'utf8'));
    });
    const original = readFileSync(FEATURES, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const rows = back.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(original.length);
    expectClose(rows, original, 1e-6);
  });
});
