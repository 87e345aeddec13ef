import type { Command } from 'commander';
import { execute, type Mode } from '../lib/execute';
import { loadPipeline } from '../lib/load-pipeline';
import { errorMode, mergedSchema, oneOf, positiveInt, workers } from '../lib/options';
import type { RowErrorMode } from '../lib/runtime';

interface RunFlags {
  input: string;
  output: string;
  mode: Mode;
  workers?: number | 'auto';
  device?: 'cpu' | 'gpu' | 'auto';
  batchSize?: number;
  format?: string;
  inputFormat?: string;
  errors: RowErrorMode;
  schema?: string;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ weir run examples/sensors.ts --input examples/data/sensors.csv --output out/sensor-means.csv
  $ weir run examples/sensors.ts --input readings.csv --output means.parquet --errors bad-rows.ndjson
  $ weir run examples/dense.ts --input examples/data/features.ndjson --output - --mode eager
  $ cat readings.csv | weir run pipeline.ts --input - --output - --format csv
  $ weir run graph.weir --input readings.parquet --output out.arrows

Formats follow the file extension (.csv, .ndjson/.jsonl, .arrow, .arrows, .parquet) unless --format (output)
or --input-format says otherwise; '-' is stdin/stdout (stdin's format is recognized from its first bytes;
stdout is CSV for a CSV input, NDJSON otherwise). --errors decides what a bad input row or a record the
pipeline fails on does: 'fail' stops with exit code 2 (bad input) or 1 (pipeline error); 'skip' counts it; a file path collects
each one as an NDJSON line {file, line|row, column, reason, raw}. Counts are always reported on stderr.
Exit codes: 0 success, 1 pipeline error, 2 bad usage or bad input.`;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a pipeline (.ts/.js module or saved .weir graph) over an input file, writing an output file')
    .argument('<pipeline>', 'pipeline module whose default export is pipeline(...), or a graph saved by `weir compile`')
    .requiredOption('-i, --input <file>', "input file, or '-' for stdin")
    .requiredOption('-o, --output <file>', "output file, or '-' for stdout")
    .option('-m, --mode <mode>', 'eager (element by element) or graph (compiled, batched)', oneOf('--mode', ['eager', 'graph'] as const), 'graph')
    .option('-w, --workers <n>', "worker threads for CPU stages: 0 or 'auto' (worker threads are not built yet; a positive number is refused)", workers)
    .option('-d, --device <device>', "cpu or auto ('gpu' is refused until the GPU backend exists)", oneOf('--device', ['cpu', 'gpu', 'auto'] as const))
    .option('-b, --batch-size <n>', 'rows per batch read and processed', positiveInt('--batch-size'))
    .option('-f, --format <format>', 'output format: csv, ndjson, arrow, arrows, parquet')
    .option('--input-format <format>', 'input format, when the extension does not say')
    .option('-e, --errors <policy>', "bad rows: 'fail', 'skip', or a dead-letter file path", errorMode, 'fail' as RowErrorMode)
    .option('-s, --schema <file>', 'JSON schema file for the input fields (types, tensor dtypes and shapes)')
    .option('-q, --quiet', 'no progress line and no summary (warnings about bad rows are still shown)')
    .addHelpText('after', EXAMPLES)
    .action(async (pipelinePath: string, flags: RunFlags) => {
      const loaded = await loadPipeline(pipelinePath);
      const schema = await mergedSchema(loaded.kind === 'transform' ? loaded.inputSchema : undefined, flags.schema);
      const report = await execute(loaded, {
        input: flags.input,
        output: flags.output,
        format: flags.format,
        inputFormat: flags.inputFormat,
        schema,
        mode: flags.mode,
        batchSize: flags.batchSize,
        workers: flags.workers,
        device: flags.device,
        errors: flags.errors,
        quiet: flags.quiet === true,
      });
      for (const w of report.warnings) process.stderr.write(`weir: warning: ${w}\n`);
      if (!flags.quiet) {
        const rate = report.seconds > 0 ? Math.round(report.rowsIn / report.seconds).toLocaleString('en-US') : '-';
        process.stderr.write(
          `weir: ${report.mode} mode: read ${report.rowsIn.toLocaleString('en-US')} rows, wrote ${report.rowsOut.toLocaleString('en-US')} ` +
            `in ${report.seconds.toFixed(2)}s (${rate} rows/s)\n`,
        );
      }
    });
}
