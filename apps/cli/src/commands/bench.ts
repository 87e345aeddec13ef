import type { Command } from 'commander';
import { from, type Transform } from '@weir/dataflow';
import { eager } from '@weir/eager';
import { UsageError } from '../lib/errors';
import { loadPipeline } from '../lib/load-pipeline';
import { mergedSchema, positiveInt } from '../lib/options';
import { compile, openSource, RowErrors, type RecordSchema } from '../lib/runtime';

interface BenchFlags {
  input: string;
  inputFormat?: string;
  schema?: string;
  runs: number;
  limit?: number;
  batchSize?: number;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  $ weir bench examples/dense.ts --input examples/data/features.ndjson
  $ weir bench examples/sensors.ts --input big.csv --limit 100000 --runs 5 --json

The input is read into memory once (bad rows skipped), then the pipeline runs over it eagerly and in graph
mode, each --runs times after one warm-up run; the best time of each counts. File reading and writing are
left out, so the numbers compare the two engines, not the disk.`;

interface Timing {
  readonly mode: 'eager' | 'graph';
  readonly seconds: number;
  readonly rowsOut: number;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('time a pipeline eagerly and in graph mode on an input: rows per second and the ratio')
    .argument('<pipeline>', 'pipeline module (.ts or .js)')
    .requiredOption('-i, --input <file>', 'input file')
    .option('--input-format <format>', 'input format, when the extension does not say')
    .option('-s, --schema <file>', 'JSON schema file for the input fields')
    .option('-r, --runs <n>', 'timed runs per mode (after a warm-up)', positiveInt('--runs'), 3)
    .option('-n, --limit <rows>', 'use only the first rows of the input', positiveInt('--limit'))
    .option('-b, --batch-size <n>', 'rows per batch in graph mode', positiveInt('--batch-size'))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (pipelinePath: string, flags: BenchFlags) => {
      const loaded = await loadPipeline(pipelinePath);
      if (loaded.kind === 'plan') throw new UsageError(`${pipelinePath} is a saved graph; bench compares eager and graph mode, which needs the pipeline source`);
      const schema = await mergedSchema(loaded.inputSchema, flags.schema);
      const rows = await readAll(flags.input, flags.inputFormat, schema, flags.limit);
      const eagerTime = await best(flags.runs, () => timeEager(loaded.transform, rows));
      const graphTime = await best(flags.runs, () => timeGraph(loaded.transform, rows, flags.batchSize));
      const ratio = graphTime.seconds > 0 ? eagerTime.seconds / graphTime.seconds : Infinity;
      const result = {
        pipeline: pipelinePath,
        rows: rows.length,
        runs: flags.runs,
        eager: { seconds: eagerTime.seconds, rowsPerSecond: rows.length / eagerTime.seconds, rowsOut: eagerTime.rowsOut },
        graph: { seconds: graphTime.seconds, rowsPerSecond: rows.length / graphTime.seconds, rowsOut: graphTime.rowsOut },
        speedup: ratio,
      };
      if (flags.json) process.stdout.write(JSON.stringify(result) + '\n');
      else process.stdout.write(table(rows.length, [eagerTime, graphTime], ratio) + '\n');
      if (eagerTime.rowsOut !== graphTime.rowsOut) {
        process.stderr.write(`weir: warning: eager mode gave ${eagerTime.rowsOut} outputs and graph mode ${graphTime.rowsOut}; the modes disagree\n`);
      }
    });
}

async function readAll(input: string, format: string | undefined, schema: RecordSchema | undefined, limit: number | undefined): Promise<unknown[]> {
  const rowErrors = new RowErrors('skip');
  const source = await openSource(input, { format, schema, rowErrors });
  const rows: unknown[] = [];
  for await (const chunk of source.records()) {
    rows.push(...chunk);
    if (limit !== undefined && rows.length >= limit) break;
  }
  await rowErrors.close();
  if (rowErrors.count > 0) process.stderr.write(`weir: warning: ${rowErrors.summary()}\n`);
  return limit !== undefined ? rows.slice(0, limit) : rows;
}

async function best(runs: number, once: () => Promise<Timing>): Promise<Timing> {
  await once();
  let fastest: Timing | undefined;
  for (let i = 0; i < runs; i++) {
    const t = await once();
    if (fastest === undefined || t.seconds < fastest.seconds) fastest = t;
  }
  return fastest as Timing;
}

function timeEager(transform: Transform, rows: readonly unknown[]): Promise<Timing> {
  const start = process.hrtime.bigint();
  let rowsOut = 0;
  return new Promise((resolve, reject) => {
    eager(from(rows).pipe(transform)).subscribe({
      next: () => rowsOut++,
      error: reject,
      complete: () => resolve({ mode: 'eager', seconds: Number(process.hrtime.bigint() - start) / 1e9, rowsOut }),
    });
  });
}

async function timeGraph(transform: Transform, rows: readonly unknown[], batchSize: number | undefined): Promise<Timing> {
  const start = process.hrtime.bigint();
  let rowsOut = 0;
  // Compiling is part of each timed run: a fresh plan traces once, as a `weir run` does.
  const plan = compile(transform, { batchSize });
  for await (const b of plan.runBatches(rows)) rowsOut += b.length;
  return { mode: 'graph', seconds: Number(process.hrtime.bigint() - start) / 1e9, rowsOut };
}

function table(rows: number, timings: readonly Timing[], ratio: number): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [`mode    rows${' '.repeat(8)}seconds    rows/s`];
  for (const t of timings) {
    lines.push(`${t.mode.padEnd(8)}${fmt(rows).padEnd(12)}${t.seconds.toFixed(4).padEnd(11)}${fmt(rows / t.seconds)}`);
  }
  lines.push(ratio >= 1 ? `graph is ${ratio.toFixed(1)}x faster than eager` : `graph is ${(1 / ratio).toFixed(1)}x slower than eager`);
  return lines.join('\n');
}
