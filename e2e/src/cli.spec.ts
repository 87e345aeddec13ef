import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLES, readParquetFile, tempDir, weir } from './support/weir';

const tmp = tempDir('cli');
afterAll(() => tmp.remove());

const FEATURES = join(EXAMPLES, 'data/features.ndjson');

describe('weir --help', () => {
  it('lists the commands with examples', async () => {
    const r = await weir(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['run', 'explain', 'compile', 'debug', 'bench']) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    expect(r.stdout).toContain('Examples:');
  });

  it.each([['run'], ['explain'], ['compile'], ['debug'], ['bench']])('weir %s --help shows its options and examples', async (command) => {
    const r = await weir([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: weir ${command} `, 'm'));
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain(`$ weir ${command} `);
  });
});

describe('bad usage exits with code 2 and a one-line message first', () => {
  it.each([
    [['run', join(EXAMPLES, 'dense.ts'), '--output', 'x.csv'], /^weir: error: required option '-i, --input <file>' not specified$/],
    [['run', join(EXAMPLES, 'dense.ts'), '-i', FEATURES, '-o', 'x.csv', '--mode', 'fast'], /^weir: error: option .*--mode.* argument 'fast' is invalid/],
    [['run', 'nope.ts', '-i', FEATURES, '-o', 'x.csv'], /^weir: error: pipeline file nope.ts does not exist$/],
    [['run', join(EXAMPLES, 'dense.ts'), '-i', 'missing.ndjson', '-o', 'x.csv'], /^weir: error: cannot read input missing.ndjson: no such file$/],
    [['run', join(EXAMPLES, 'dense.ts'), '-i', FEATURES, '-o', 'x.xlsx'], /^weir: error: cannot tell the format of x.xlsx from its extension/],
    [['frobnicate'], /^weir: error: unknown command 'frobnicate'$/],
    // Capabilities that are not built yet are refused, not silently ignored.
    [['run', join(EXAMPLES, 'dense.ts'), '-i', FEATURES, '-o', 'x.csv', '--workers', '2'], /^weir: error: compile: 'workers: 2' is not supported yet/],
    [['run', join(EXAMPLES, 'dense.ts'), '-i', FEATURES, '-o', 'x.csv', '--device', 'gpu'], /^weir: error: compile: 'device: "gpu"' is not supported yet/],
  ])('weir %j', async (args, firstLine) => {
    const r = await weir(args as string[], { cwd: tmp.dir });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(firstLine);
    // A run that cannot start leaves no output file behind.
    expect(existsSync(tmp.path('x.csv'))).toBe(false);
  });

  it('a module whose default export is not a pipeline', async () => {
    const p = tmp.path('not-a-pipeline.ts');
    writeFileSync(p, 'export default 42;\n');
    const r = await weir(['run', p, '-i', FEATURES, '-o', tmp.path('x.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`weir: error: ${p} does not default-export a pipeline: its default export is a number`);
    expect(r.stderr).toContain('export default pipeline(');
  });
});

describe('a pipeline error exits with code 1', () => {
  it('names the stage and the source element', async () => {
    const p = tmp.path('fails.ts');
    writeFileSync(p, "import { map, ops, pipeline } from '@weir/dataflow';\nexport default pipeline(map((r: any) => ({ v: ops.reshape(r.x, [3]) })));\n");
    for (const mode of ['graph', 'eager']) {
      const r = await weir(['run', p, '-i', FEATURES, '-o', tmp.path('y.ndjson'), '--mode', mode]);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toMatch(/^weir: error: Stage map#0 \(op 'reshape'\) failed on source element 0: /);
    }
  });
});

describe('weir explain', () => {
  it("shows the stages traced from the pipeline's inputSchema, in text, dot and json", async () => {
    const text = await weir(['explain', 'examples/dense.ts']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/stage map#0/);
    expect(text.stdout).toMatch(/matmul/);
    const dot = await weir(['explain', 'examples/dense.ts', '--format', 'dot']);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toMatch(/^digraph/m);
    const json = await weir(['explain', 'examples/dense.ts', '--format', 'json']);
    expect(json.code).toBe(0);
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it('shows the graph break of a stage that cannot be traced, with its reason', async () => {
    const r = await weir(['explain', 'examples/sensors.ts', '--input', join(EXAMPLES, 'data/sensors.csv')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/GRAPH BREAK/);
    expect(r.stdout).toMatch(/reason: /);
  });
});

describe('weir bench', () => {
  it('times eager and graph mode and gives rows/s and the ratio', async () => {
    const r = await weir(['bench', 'examples/dense.ts', '--input', FEATURES, '--runs', '1', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.rows).toBe(600);
    expect(result.eager.rowsOut).toBe(600);
    expect(result.graph.rowsOut).toBe(600);
    expect(result.eager.rowsPerSecond).toBeGreaterThan(0);
    expect(result.speedup).toBeCloseTo(result.eager.seconds / result.graph.seconds, 6);
    const table = await weir(['bench', 'examples/dense.ts', '--input', FEATURES, '--runs', '1']);
    expect(table.stdout).toMatch(/^eager\s+600\s+/m);
    expect(table.stdout).toMatch(/^graph is [\d.]+x (faster|slower) than eager$/m);
  });
});

describe('--schema', () => {
  it("sets field types and tensor dtypes, which reach the Parquet file's columns", async () => {
    const pass = tmp.path('pass.ts');
    writeFileSync(pass, "import { map, pipeline } from '@weir/dataflow';\nexport default pipeline(map((r: any) => r));\n");
    const out = tmp.path('typed.parquet');
    const r = await weir(['run', pass, '-i', join(EXAMPLES, 'data/sensors.csv'), '-o', out, '--schema', join(EXAMPLES, 'data/sensors.schema.json'), '--mode', 'eager']);
    expect(r.code).toBe(0);
    const { rows, metadata } = readParquetFile(out);
    expect(rows).toHaveLength(450);
    expect(metadata.accel['ARROW:extension:metadata']).toBe('{"shape":[3]}');
    expect(rows[0]).toMatchObject({ sensor: 's1', time: 1700000000023, accel: [0.477, 0.199, 9.814] });
  });

  it('rejects a malformed schema file as bad usage, naming the field', async () => {
    const bad = tmp.path('bad.schema.json');
    writeFileSync(bad, '{"value": {"type": "float"}}');
    const r = await weir(['run', 'examples/sensors.ts', '-i', join(EXAMPLES, 'data/sensors.csv'), '-o', tmp.path('z.csv'), '--schema', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`weir: error: ${bad}: field 'value' has type "float"; expected one of number, boolean, string, tensor`);
  });
});

describe('outputs that cannot be written', () => {
  it('an output in a directory that does not exist is bad usage, found before any work', async () => {
    const r = await weir(['run', 'examples/dense.ts', '-i', FEATURES, '-o', tmp.path('no/such/dir/out.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^weir: error: cannot write output .*out\.csv: no such directory /);
  });
});
