import type { Command } from 'commander';
import { UsageError } from '../lib/errors';
import { loadPipeline } from '../lib/load-pipeline';
import { mergedSchema, positiveInt } from '../lib/options';
import { planWithSample, sampleRecords } from '../lib/sample';

interface CompileFlags {
  output: string;
  input?: string;
  inputFormat?: string;
  schema?: string;
  batchSize?: number;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ weir compile examples/dense.ts -o dense.weir
  $ weir compile examples/sensors.ts --input examples/data/sensors.csv -o sensors.weir
  $ weir run dense.weir --input features.parquet --output scores.parquet     # no pipeline source needed

The saved graph holds the traced stages (and their constants), never code: loading it evaluates nothing from
the file. Tracing needs the input's field types and shapes: from --input's first rows, else the pipeline's
'inputSchema' export or --schema.`;

export function registerCompile(program: Command): void {
  program
    .command('compile')
    .description('trace and optimize a pipeline and save it as a graph that runs without its source code')
    .argument('<pipeline>', 'pipeline module (.ts or .js)')
    .requiredOption('-o, --output <graph.weir>', 'where to write the saved graph')
    .option('-i, --input <file>', 'trace against the first rows of this file')
    .option('--input-format <format>', 'input format, when the extension does not say')
    .option('-s, --schema <file>', 'JSON schema file for the input fields')
    .option('-b, --batch-size <n>', 'rows per batch', positiveInt('--batch-size'))
    .option('-q, --quiet', 'print nothing on success')
    .addHelpText('after', EXAMPLES)
    .action(async (pipelinePath: string, flags: CompileFlags) => {
      const loaded = await loadPipeline(pipelinePath);
      if (loaded.kind === 'plan') throw new UsageError(`${pipelinePath} is already a saved graph`);
      const schema = await mergedSchema(loaded.inputSchema, flags.schema);
      const sample = await sampleRecords(flags.input, schema, flags.inputFormat);
      const plan = planWithSample(loaded.transform, sample, { batchSize: flags.batchSize });
      await plan.save(flags.output);
      if (!flags.quiet) process.stderr.write(`weir: wrote ${flags.output}\n`);
    });
}
